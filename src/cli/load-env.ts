// Imported first by every entry point (bin/rdns.js, scripts/*.ts) so `.env` in the current
// directory is in the environment before any module reads its configuration. A malformed file
// stops the program with one line naming the file and line (EX_CONFIG, as a bad variable does).
import { EnvFileError, loadEnvFile } from "./env-file.js";

try {
  loadEnvFile(process.cwd(), process.env);
} catch (err) {
  if (!(err instanceof EnvFileError)) throw err;
  process.stderr.write(`rdns: ${err.message}\n`);
  process.exit(78);
}
