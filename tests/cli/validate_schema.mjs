// Validates a JSON document against a JSON Schema (draft 2020-12) with Ajv,
// an independent implementation: `node validate_schema.mjs SCHEMA DOC`.
// Formats are not validated (Ajv needs a plug-in); the schema pins them with
// patterns instead. Exit 0 when valid; otherwise prints each problem and exits 1.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

// Ajv is installed with the parity references (tests/parity/package.json).
const require = createRequire(new URL("../parity/package.json", import.meta.url));
const Ajv2020 = require("ajv/dist/2020").default;

const [schemaPath, docPath] = process.argv.slice(2);
const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false });
const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, "utf8")));
if (validate(JSON.parse(readFileSync(docPath, "utf8")))) process.exit(0);
for (const e of validate.errors) console.log(`${e.instancePath || "/"} ${e.message}`);
process.exit(1);
