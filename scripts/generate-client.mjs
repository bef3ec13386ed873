// Generates a client's code from its service's bundle (spec/dist/<service>.json):
//   src/generated/schema.ts   types of paths and components (openapi-typescript)
//   src/generated/service.ts  servers and parameter schemas the client checks at run time
// Usage (from a client package): node ../../scripts/generate-client.mjs <service>
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import openapiTS, { astToString } from "openapi-typescript";

const service = process.argv[2];
if (!service) {
  console.error("usage: generate-client.mjs <service>");
  process.exit(2);
}
const require = createRequire(join(process.cwd(), "package.json"));
const bundlePath = require.resolve(`@bce-openapi/spec/${service}.json`);
const doc = JSON.parse(readFileSync(bundlePath, "utf8"));
const outDir = join(process.cwd(), "src", "generated");
mkdirSync(outDir, { recursive: true });

const banner = `// Generated from @bce-openapi/spec (${service}.json) by scripts/generate-client.mjs. Do not edit.\n`;

const ast = await openapiTS(doc, { rootTypes: true, rootTypesNoSchemaPrefix: true, defaultNonNullable: false });
writeFileSync(join(outDir, "schema.ts"), `${banner}/* eslint-disable */\n${astToString(ast)}`);

// Resolve a local $ref such as "#/components/parameters/VmID".
const deref = (node) => {
  let n = node;
  while (n && n.$ref) n = n.$ref.slice(2).split("/").reduce((o, k) => o[k.replace(/~1/g, "/").replace(/~0/g, "~")], doc);
  return n;
};

// Keywords the run-time validator never reads (annotations: packages/core/src/validation/schema.ts);
// the run-time schemas leave them out to stay small. So are `format` values it does not assert.
const ANNOTATIONS = new Set([
  "description", "title", "example", "examples", "externalDocs", "$comment", "deprecated", "default",
  "readOnly", "writeOnly", "contentEncoding", "contentMediaType", "discriminator", "xml", "$schema",
]);
const ASSERTED_FORMATS = new Set(["date-time", "ipv4", "ipv6", "uuid"]); // validation/formats.ts
const stripAnnotations = (node) => {
  if (Array.isArray(node)) return node.map(stripAnnotations);
  if (!node || typeof node !== "object") return node;
  const out = Object.fromEntries(
    Object.entries(node)
      .filter(([k, v]) => !ANNOTATIONS.has(k) && !k.startsWith("x-") && !(k === "format" && !ASSERTED_FORMATS.has(v)))
      .map(([k, v]) => [k, k === "properties" ? Object.fromEntries(Object.entries(v).map(([p, s]) => [p, stripAnnotations(s)])) : stripAnnotations(v)]),
  );
  // x-client-rules (spec convention): what a client sends is the schema AND the rules beside it.
  if (node["x-client-rules"] !== undefined) out.allOf = [...(out.allOf ?? []), stripAnnotations(node["x-client-rules"])];
  return out;
};
const jsonSchemaOf = (content) => content?.["application/json"]?.schema;

const servers = [];
const pathParameters = {};
const operations = {};
for (const [path, item] of Object.entries(doc.paths)) {
  for (const server of item.servers ?? doc.servers ?? []) {
    // Each variable's default and enum only: what serverUrl reads.
    const variables = Object.fromEntries(
      Object.entries(server.variables ?? {}).map(([name, v]) => [name, { default: v.default, ...(v.enum ? { enum: v.enum } : {}) }]),
    );
    if (!servers.some((s) => s.url === server.url)) servers.push({ url: server.url, variables });
  }
  for (const op of Object.values(item)) {
    if (!op || typeof op !== "object" || !op.operationId) continue;
    const parameters = {};
    for (const p of [...(item.parameters ?? []), ...(op.parameters ?? [])].map(deref)) {
      if (p.in === "path") pathParameters[p.name] = stripAnnotations(deref(p.schema));
      if (p.in === "query") parameters[p.name] = stripAnnotations(deref(p.schema));
    }
    const responses = {};
    for (const [status, response] of Object.entries(op.responses ?? {})) {
      const schema = jsonSchemaOf(deref(response).content);
      if (status.startsWith("2")) responses[status] = schema ? stripAnnotations(schema) : null;
    }
    operations[op.operationId] = {
      query: parameters,
      requestBody: stripAnnotations(jsonSchemaOf(deref(op.requestBody)?.content)) ?? null,
      responses,
    };
  }
}

// Only the components those schemas reach through $ref.
const allSchemas = doc.components?.schemas ?? {};
const reachable = new Set();
const visit = (node) => {
  if (Array.isArray(node)) return node.forEach(visit);
  if (!node || typeof node !== "object") return;
  const ref = typeof node.$ref === "string" ? node.$ref.match(/^#\/components\/schemas\/(.+)$/) : null;
  if (ref) {
    const name = ref[1].replace(/~1/g, "/").replace(/~0/g, "~");
    if (reachable.has(name)) return;
    if (!(name in allSchemas)) throw new Error(`$ref ${node.$ref} does not resolve`);
    reachable.add(name);
    visit(allSchemas[name]);
  }
  Object.values(node).forEach(visit);
};
visit([pathParameters, operations]);
const componentSchemas = Object.fromEntries(
  Object.entries(allSchemas).filter(([name]) => reachable.has(name)).map(([name, schema]) => [name, stripAnnotations(schema)]),
);

const json = (v) => JSON.stringify(v, null, 2);
writeFileSync(
  join(outDir, "service.ts"),
  `${banner}
/** The service's servers, as the spec lists them. */
export const servers = ${json(servers)} as const;

/** JSON Schemas of the path parameters, checked before a request is built. */
export const pathParameters = ${json(pathParameters)} as const;

/** Per operation: query parameter, request body and success body schemas, checked at run time. */
export const operations = ${json(operations)} as const;

/** The components those schemas refer to, without annotations (descriptions, examples, defaults). */
export const schemaRoot = ${json({ components: { schemas: componentSchemas } })};
`,
);
console.log(`generated ${service} client code in ${outDir}`);
