// Checks recorded HTTP responses against docs/openapi.yaml with Ajv (an
// independent JSON Schema implementation; OpenAPI 3.1 schemas are JSON
// Schema 2020-12):
//
//   node check_responses.mjs OPENAPI.yaml RESPONSES.json
//
// RESPONSES.json is an array of {method, target, status, content_type, body}
// (src/server/router_test.cc writes one per test). For each response under
// /api/: the path must match one of the spec's paths (its {params} match one
// segment), the method must be documented for it (HEAD as GET), the status
// code (or `default`) must be documented, the content type must be one the
// spec lists for that response, and a JSON body must validate against its
// schema. The spec's `x-common-responses` count as documented for every
// operation; an OPTIONS request (the CORS preflight of the conventions)
// must answer 204 with no body. Formats are not validated (Ajv needs a plug-in). Exit 0 when every
// response conforms; otherwise prints each problem and exits 1.
import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import YAML from "yaml";

const [specPath, responsesPath] = process.argv.slice(2);
const spec = YAML.parse(readFileSync(specPath, "utf8"));
const responses = JSON.parse(readFileSync(responsesPath, "utf8"));

const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false });
ajv.addSchema(spec, "openapi");

// JSON Pointer escaping of one reference token.
const escape = (s) => s.replace(/~/g, "~0").replace(/\//g, "~1");

const templates = Object.keys(spec.paths).map((template) => {
  const pattern = template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+");
  return { template, regex: new RegExp(`^${pattern}$`) };
});

const problems = [];
for (const r of responses) {
  const path = r.target.split("?")[0];
  if (!path.startsWith("/api/") && path !== "/api") continue;
  const where = `${r.method} ${r.target} -> ${r.status}`;
  if (r.method === "OPTIONS") {
    if (r.status !== 204 || r.body) problems.push(`${where}: a preflight answers 204 with no body`);
    continue;
  }
  const found = templates.find((t) => t.regex.test(path));
  if (!found) {
    // Unknown endpoints answer 404 NOT_FOUND; the spec cannot list them.
    if (r.status !== 404) problems.push(`${where}: no path in the spec matches`);
    continue;
  }
  const method = r.method === "HEAD" ? "get" : r.method.toLowerCase();
  const operation = spec.paths[found.template][method];
  if (!operation) {
    if (r.status !== 405) problems.push(`${where}: ${method} is not documented for ${found.template}`);
    continue;
  }
  const code = String(r.status);
  const common = spec["x-common-responses"] ?? {};
  let response, pointer;
  if (code in operation.responses || "default" in operation.responses) {
    const key = code in operation.responses ? code : "default";
    response = operation.responses[key];
    pointer = `openapi#/paths/${escape(found.template)}/${method}/responses/${key}`;
  } else if (code in common) {
    response = common[code];
    pointer = `openapi#/x-common-responses/${code}`;
  } else {
    problems.push(`${where}: status ${code} is not documented for ${method} ${found.template}`);
    continue;
  }
  if (response.$ref) {
    pointer = `openapi${response.$ref}`;
    response = response.$ref
      .slice(2)
      .split("/")
      .reduce((o, k) => o[k.replace(/~1/g, "/").replace(/~0/g, "~")], spec);
  }
  const content = response.content ?? {};
  const type = (r.content_type ?? "").split(";")[0].trim();
  if (!r.body && Object.keys(content).length === 0) continue;  // e.g. 204
  if (!(type in content)) {
    problems.push(`${where}: content type '${type}' is not documented (${Object.keys(content).join(", ") || "none"})`);
    continue;
  }
  if (type !== "application/json" || r.method === "HEAD") continue;
  const schema = content[type].schema;
  if (!schema) continue;
  const validate = ajv.getSchema(`${pointer}/content/${escape(type)}/schema`);
  let body;
  try {
    body = JSON.parse(r.body);
  } catch (e) {
    problems.push(`${where}: the body is not JSON: ${e.message}`);
    continue;
  }
  if (!validate(body)) {
    for (const e of validate.errors) problems.push(`${where}: ${e.instancePath || "/"} ${e.message}`);
  }
}
for (const p of problems) console.log(p);
process.exit(problems.length ? 1 : 0);
