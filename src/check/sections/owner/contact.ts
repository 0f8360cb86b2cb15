// The SOA RNAME as an e-mail address (RFC 1035 3.3.13: the mailbox's local part is the first
// label, the rest is the domain; RFC 1912 2.2: a dot inside the local part is written "\.").
// dns-packet reads the RNAME with such a dot escaped as "\." (its `mail` decoding), so the first
// unescaped dot is the "@".

/** `hostmaster.example.net` -> `hostmaster@example.net`; `first\.last.example.net` -> `first.last@example.net`. */
export function rnameToEmail(rname: string): string | null {
  const name = rname.endsWith(".") ? rname.slice(0, -1) : rname;
  let local = "";
  for (let i = 0; i < name.length; i++) {
    const char = name[i] as string;
    if (char === "\\" && i + 1 < name.length) {
      local += name[i + 1];
      i++;
      continue;
    }
    if (char === ".") {
      const domain = name.slice(i + 1);
      return local === "" || domain === "" ? null : `${local}@${domain}`;
    }
    local += char;
  }
  return null;
}
