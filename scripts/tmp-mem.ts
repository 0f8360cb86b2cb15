import { Redis } from "ioredis";
const r = new Redis();
const N = 65536;
const mem = async () => Number(/used_memory:(\d+)/.exec(await r.info("memory"))?.[1]);
const ip = (i: number) => `2001:db8:1::${i.toString(16)}`;
const P = "{memtest}:s";
async function fill(label: string, f: (p: any, i: number) => void) {
  const before = await mem();
  for (let s = 0; s < N; s += 4096) { const p = r.pipeline(); for (let i = s; i < s + 4096; i++) f(p, i); await p.exec(); }
  const after = await mem();
  console.log(label, ((after - before) / N).toFixed(1), "bytes/address");
}
const row = (i: number) => JSON.stringify({checkedAt:"2026-12-07T12:10:23.538Z",verdict:"pass",ptr:{names:[`h${i.toString(16)}.fleet.test`]},fcrdns:"pass",helo:null,problems:[],owner:{zone:"0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa",provider:null,contact:"hostmaster@test"},blocklists:[]});
const state = (i: number) => JSON.stringify({verdict:"pass",names:[`h${i.toString(16)}.fleet.test`],problems:[],lists:[],since:"2026-12-07T12:10:23.538Z",checkedAt:"2026-12-07T12:10:23.538Z",by:`watch-chunk|console:C-bench|2001:db8:1::/112|2026-12-07T12:10:00.000Z|${i>>8}|${ip(i)}`,notice:null});
const hist = (i: number) => JSON.stringify({at:"2026-12-07T12:10:23.538Z",verdict:"pass",names:[`h${i.toString(16)}.fleet.test`],problems:[]});
try {
  await fill("row keys (SET EX)", (p, i) => p.set(`${P}:reportrow:${ip(i).replace(/:/g,"_")}|`, row(i), "EX", 604800));
  await fill("state hash entry", (p, i) => p.hset(`${P}:watchstate:console:C-bench`, ip(i), state(i)));
  await fill("history list", (p, i) => p.rpush(`${P}:history:console:C-bench:${ip(i).replace(/:/g,"_")}`, hist(i)));
  await fill("state compact entry", (p, i) => p.hset(`${P}:ws2`, ip(i), JSON.stringify({verdict:"pass",names:[`h${i.toString(16)}.fleet.test`],problems:[],since:"2026-12-07T12:10:23.538Z",checkedAt:"2026-12-07T12:10:23.538Z"})));
  await fill("row in hash per /120 block", (p, i) => p.hset(`${P}:rows:${i>>8}`, ip(i), row(i)));
} finally {
  let c = "0"; do { const [n, k] = await r.scan(c, "MATCH", "{memtest}*", "COUNT", 1000); if (k.length) await r.del(...k); c = n; } while (c !== "0");
  r.disconnect();
}
