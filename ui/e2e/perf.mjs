// Size of the initial download: the scripts and stylesheets index.html refers
// to, fetched from the running server with "Accept-Encoding: gzip" over plain
// node:http (so the bytes on the wire and the Content-Encoding are visible),
// plus each file gzipped at level 9 here for a server-independent number.
import { request } from 'node:http';
import { gzipSync, gunzipSync } from 'node:zlib';

function get(url, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { 'accept-encoding': 'gzip', ...headers } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** measure fetches one path (gzip accepted) and reports its sizes and encoding. */
export async function measure(base, path, headers = {}) {
  const r = await get(new URL(path, base), headers);
  if (r.status !== 200) throw new Error(`GET ${path} -> ${r.status}`);
  const enc = r.headers['content-encoding'] ?? '';
  const raw = enc === 'gzip' ? gunzipSync(r.body) : r.body;
  return {
    file: { path, content_type: r.headers['content-type'] ?? '', content_encoding: enc, served_bytes: r.body.length, raw_bytes: raw.length, gzip_bytes: gzipSync(raw, { level: 9 }).length },
    text: raw.toString('utf8'),
  };
}

/** referencedAssets lists the same-origin scripts, module preloads and stylesheets in index.html. */
export function referencedAssets(html) {
  const out = new Set();
  for (const m of html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)) out.add(m[1]);
  for (const m of html.matchAll(/<link\b[^>]*>/g)) {
    const tag = m[0];
    const rel = /\brel="([^"]+)"/.exec(tag)?.[1] ?? '';
    const href = /\bhref="([^"]+)"/.exec(tag)?.[1];
    if (href && /\b(stylesheet|modulepreload)\b/.test(rel)) out.add(href);
  }
  return [...out].filter((u) => !/^(https?:)?\/\//.test(u) && !u.startsWith('data:'));
}

/** initialAssets measures index.html and every file it references. */
export async function initialAssets(base) {
  const index = await measure(base, '/');
  const files = [];
  for (const p of referencedAssets(index.text)) files.push((await measure(base, p)).file);
  const sum = (k) => files.reduce((n, f) => n + f[k], 0);
  return {
    index: index.file,
    files,
    raw_total: sum('raw_bytes'),
    gzip_total: sum('gzip_bytes'),
    served_total: sum('served_bytes'),
    all_compressed: [index.file, ...files].every((f) => f.content_encoding === 'gzip'),
  };
}
