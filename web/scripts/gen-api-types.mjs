// Generates src/api/openapi.gen.ts from docs/openapi.yaml (the server's
// contract), so the UI never hand-copies API types.
//   node scripts/gen-api-types.mjs          write the file
//   node scripts/gen-api-types.mjs --check  exit 1 if the file is stale
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

const here = path.dirname(fileURLToPath(import.meta.url));
const spec = path.resolve(here, '../../docs/openapi.yaml');
const out = path.resolve(here, '../src/api/openapi.gen.ts');

export async function generate() {
  // Fields with a default stay optional: the server fills them in. enumValues
  // exports each enum as a runtime array too, so the UI never re-types one.
  const ast = await openapiTS(pathToFileURL(spec), { defaultNonNullable: false, enumValues: true });
  return '// Generated from docs/openapi.yaml by web/scripts/gen-api-types.mjs. Do not edit.\n' + astToString(ast);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const text = await generate();
  const current = fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : '';
  if (process.argv.includes('--check')) {
    if (current !== text) {
      console.error(`${path.relative(process.cwd(), out)} is stale: run npm --prefix web run gen:api`);
      process.exit(1);
    }
  } else if (current !== text) {
    fs.writeFileSync(out, text);
  }
}
