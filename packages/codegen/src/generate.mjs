// Emits a client's code from its service bundle:
//   schema.ts      types of paths and components (openapi-typescript; open enums made open)
//   request.ts     types of the request bodies as the client sends them (with their x-client-rules)
//   operations.ts  per operation, its table (OperationSpec) with request checks compiled to JS
//   client.ts      the client: options (server variables from the spec), one typed method per operation
import { CheckCompiler } from "./checks.mjs";
import { pascal, readOperations } from "./model.mjs";
import { callerView, generateRequestTypes, generateTypes } from "./types.mjs";

const json = (v) => JSON.stringify(v);
const INTERNAL = "@bce-openapi/core/internal";

/** A JSDoc block from lines of text (none when there is no text). */
function doc(lines, indent = "") {
  const text = lines
    .filter((l) => l !== undefined && l !== null)
    .join("\n")
    .trim();
  if (!text) return "";
  const body = text
    .replace(/\*\//g, "*\\/")
    .split("\n")
    .map((l) => `${indent} *${l ? ` ${l}` : ""}`);
  return `${indent}/**\n${body.join("\n")}\n${indent} */\n`;
}

/** The files generateClient may write: those a spec does not call for are left out of its answer. */
export const OUTPUT_FILES = ["schema.ts", "request.ts", "operations.ts", "client.ts", "responses.ts"];

/**
 * @param {object} bundle the service's bundled OpenAPI document (spec/dist/<service>.json)
 * @param {{ client: string, source?: string }} options `client`: the name the client's exports
 *   start with ("Bec" gives createBecClient, BecClient, BecClientOptions)
 * @returns {Promise<Record<string, string>>} file name to content
 */
export async function generateClient(bundle, { client, source = "the service bundle" }) {
  if (!/^[A-Z][A-Za-z0-9]*$/.test(client)) throw new Error(`client name ${JSON.stringify(client)} must be PascalCase`);
  const { operations, root } = readOperations(bundle);
  if (operations.length === 0) throw new Error("the bundle has no operations");
  const banner = `// Generated from ${source} by @bce-openapi/codegen. Do not edit.\n`;
  const components = new Set(Object.keys(bundle.components?.schemas ?? {}));

  // One server list for the client: every operation of a service is served by the same hosts.
  const servers = operations[0].servers;
  // The client's own options beyond BceClientOptions (server variables such as BCC's region): a call
  // given one is told it belongs to the client.
  const clientNames = Object.keys(servers[0].variables);
  for (const op of operations) {
    if (json(op.servers.map((s) => s.url)) !== json(servers.map((s) => s.url))) {
      throw new Error(
        `${op.where}: its servers differ from ${operations[0].where}'s; one client serves one set of hosts`,
      );
    }
  }

  /** True of an operation no 2xx answer of which has a body (BCC's rebuild): its table is a BodilessOperationSpec. */
  const bodiless = (op) => Object.values(op.responses).every((schema) => schema === null);
  // A client none of whose operations has a success body calls callBodilessOperation: the body
  // reader, and the response checks and their loader, stay out of its bundle.
  const checksAnswers = !operations.every(bodiless);
  const specType = (op) => (bodiless(op) ? "BodilessOperationSpec" : "OperationSpec");

  // operations.ts
  const compiler = new CheckCompiler(root);
  const tables = [];
  /** The runtime's part runners the checkRequest methods call. */
  const runners = new Set();
  for (const op of operations) {
    const lines = [];
    for (const a of op.pathArgs) {
      compiler.assertShallow(a.schema, `${op.where} path parameter ${a.name}`);
      const f = compiler.fn(a.schema, `${op.id}/path/${a.name}`) ?? 0;
      runners.add("checkPath");
      lines.push(`checkPath(${f}, input.path[${json(a.name)}], ${json(a.arg)});`);
    }
    for (const q of op.query) {
      compiler.assertShallow(q.schema, `${op.where} query parameter ${q.name}`);
      const f = compiler.fn(q.schema, `${op.id}/query/${q.name}`) ?? 0;
      runners.add("checkQuery");
      lines.push(`checkQuery(${f}, input.query?.[${json(q.name)}], ${json(q.name)}${q.required ? ", true" : ""});`);
    }
    if (op.body) {
      compiler.assertShallow(op.body.schema, `${op.where} request body`);
      const f = compiler.fn(op.body.schema, `${op.id}/body`);
      if (f) runners.add("checkPart");
      // Its own: a polluted Object.prototype's `body` is not the caller's (the path and query alone are checked first).
      if (f) lines.push(`if (Object.hasOwn(input, "body")) checkPart(${f}, input.body, "body");`);
    }
    const table = [
      `operationId: ${json(op.id)}`,
      `method: ${json(op.method)}`,
      `path: ${json(op.path)}`,
      // Fixed parts only where the spec fixes some: the runtime takes none as no fixed parts.
      ...(Object.keys(op.fixedPath).length ? [`fixedPath: ${json(op.fixedPath)}`] : []),
      ...(Object.keys(op.fixedQuery).length ? [`fixedQuery: ${json(op.fixedQuery)}`] : []),
      `retry: ${json(op.retry)}`,
      ...(op.idempotencyToken ? [`idempotencyToken: { in: "query", name: ${json(op.idempotencyToken)} }`] : []),
      `bodyTransforms: [${(op.body?.transforms ?? []).map((t) => `{ path: ${json(t.path)}, kind: ${json(t.kind)} }`).join(", ")}]`,
      // No 2xx answer has a body: whatever body one carries is not read (the service has acted).
      ...(bodiless(op) ? ["successBody: false"] : []),
    ];
    tables.push(
      `${doc([`${op.method} ${op.path}: ${op.summary ?? op.id}`])}export const ${op.id}: ${specType(op)} = {\n` +
        table.map((l) => `  ${l},\n`).join("") +
        `  checkRequest(${lines.length ? "input" : ""}) {\n` +
        lines.map((l) => `    ${l}\n`).join("") +
        `  },\n` +
        `};\n`,
    );
  }
  // The module's own names: an operation must not take one (nor a name the checks import), nor
  // the form of one the checks make (s0: a check, re0: a pattern, p0: a property table).
  for (const op of operations) {
    const taken = [...compiler.imports(), ...compiler.formatImports(), ...runners, "servers"];
    if (taken.includes(op.id) || /^(?:s|re|p)\d+$/.test(op.id))
      throw new Error(`${op.where}: operationId "${op.id}" clashes with a name of the generated operations module`);
  }
  compiler.inline(tables);
  const serverList = servers.map(({ url, variables }) => ({
    url,
    variables: Object.fromEntries(
      Object.entries(variables).map(([k, v]) => [k, { default: v.default, ...(v.enum ? { enum: v.enum } : {}) }]),
    ),
  }));
  const operationsTs =
    `${banner}/* eslint-disable */\n` +
    `import { ${[...new Set([...compiler.imports(), ...runners])].sort().join(", ")} } from "${INTERNAL}";\n` +
    (compiler.formatImports().length
      ? `import { ${compiler.formatImports().join(", ")} } from "${INTERNAL}/formats";\n`
      : "") +
    `import type { ${compiler
      .typeImports()
      .concat(...new Set(operations.map(specType)))
      .sort()
      .join(", ")} } from "${INTERNAL}";\n\n` +
    `/** The service's servers, as the spec lists them; the first is the default. */\n` +
    `export const servers = ${JSON.stringify(serverList, null, 2)} as const;\n\n` +
    `// Request checks, compiled from the spec's schemas with their x-client-rules.\n` +
    `${compiler.emit()}\n\n` +
    tables.join("\n");

  // client.ts
  const C = client;
  const typeImports = new Set(["paths"]);
  const exportsTs = [];
  /** Each request body's type in request.ts: its component's name, or the operation's Input. */
  const sentBodies = {};
  /**
   * The name request.ts declares a body component's type under: the Input's, when the component is
   * one operation's body (the compiler names a type by its declaration, and an error about the
   * body should say ReinstallVmInstanceInput, not the name of the spec's own, nullable, type).
   */
  const inputNames = {};
  /** The component a body is, when it is a bare $ref (one with siblings is the operation's own). */
  const bareComponent = (op) =>
    (Object.keys(op.body?.schema ?? {}).length === 1 && op.body.ref?.match(/^#\/components\/schemas\/(.+)$/)?.[1]) ||
    undefined;
  // A component the body of two operations keeps its own name.
  for (const op of operations) {
    const component = bareComponent(op);
    if (component) inputNames[component] = component in inputNames ? component : `${pascal(op.id)}Input`;
  }
  const members = [];
  // The operations' query options (BEC's clientToken): a call's alone, refused when given to the client.
  const callOnlyNames = [];
  const impls = [];
  const callName = checksAnswers ? "callOperation" : "callBodilessOperation";
  for (const op of operations) {
    const P = pascal(op.id);
    for (const name of [`${P}Input`, `${P}Result`, `${P}CallOptions`]) {
      if (components.has(name))
        throw new Error(`${op.where}: generated type ${name} clashes with a component of that name`);
    }
    if (op.body) {
      // The type of what the client sends: the body with its x-client-rules (request.ts).
      // A bare $ref is its component's type; a $ref with siblings (x-client-rules beside it, as
      // OpenAPI 3.1 allows) is the operation's own, so the siblings are not lost.
      const bodyName = bareComponent(op) ?? `${P}Input`;
      const bodyType = `Sent.${inputNames[bodyName] ?? bodyName}`;
      const encrypted = op.body.transforms.filter((t) => t.kind === "encryptAdminPass").map((t) => t.path[0]);
      if (encrypted.length) {
        // The caller's view: each encrypted field as the plain password or `{ encrypted }`, every
        // other rule of the body (an if/then that forbids the field included) kept.
        sentBodies[`${P}Input`] = callerView(bundle, op.body.schema, encrypted, {
          anyOf: [
            { type: "string" },
            {
              type: "object",
              required: ["encrypted"],
              additionalProperties: false,
              properties: { encrypted: { $ref: "#/components/schemas/EncryptedAdminPass" } },
            },
          ],
        });
        exportsTs.push(
          `${doc([
            `The body of ${op.id} as the caller writes it. ${encrypted.map((k) => `\`${k}\``).join(", ")}: the password in plain`,
            "text, which the client checks against the password policy and encrypts with the secret access",
            "key; or `{ encrypted }` with a ciphertext made beforehand.",
          ])}export type ${P}Input = Sent.${P}Input;\n`,
        );
      } else {
        sentBodies[bodyName] = op.body.schema;
        exportsTs.push(
          `${doc([`The body of ${op.id}, as the client sends it: the spec's schema with its client rules.`])}export type ${P}Input = ${bodyType};\n`,
        );
      }
    }
    const successRef = op.success.ref?.match(/^#\/components\/schemas\/(.+)$/)?.[1];
    if (op.success.hasBody) {
      const t =
        successRef ??
        `operations[${json(op.id)}]["responses"][${json(op.success.status)}]["content"]["application/json"]`;
      if (successRef) typeImports.add(successRef);
      else typeImports.add("operations");
      exportsTs.push(
        `${doc([`What ${op.id} resolves with: the answer's body, and \`$metadata\` beside it.`])}export type ${P}Result = ${t} & { $metadata: ResponseMetadata };\n`,
      );
    } else {
      exportsTs.push(
        `${doc([`What ${op.id} resolves with: the answer has no body.`])}export interface ${P}Result {\n  /** The request id BCE gave the call (\`x-bce-request-id\`). */\n  requestId: string;\n  $metadata: ResponseMetadata;\n}\n`,
      );
    }
    const optionFields = op.query.map((q) => {
      const isToken = q.name === op.idempotencyToken;
      typeImports.add("operations");
      const text = isToken
        ? [
            `Idempotency token for this logical call. Generated when left out. Every retry of the call`,
            `reuses it, so the service acts at most once; pass your own to make a call safe to repeat`,
            `across process restarts.`,
            q.description ? `\n${q.description}` : undefined,
          ]
        : [q.description];
      return `${doc(text, "  ")}  ${q.name}${q.required ? "" : "?"}: NonNullable<operations[${json(op.id)}]["parameters"]["query"]>[${json(q.name)}];\n`;
    });
    exportsTs.push(
      `${doc([`Options of one ${op.id} call.`])}export interface ${P}CallOptions extends CallOptions {\n${optionFields.join("")}}\n`,
    );

    const optionsRequired = op.query.some((q) => q.required);
    const args = [
      ...op.pathArgs.map((a) => `${a.arg}: string`),
      ...(op.body ? [`body${op.body.required ? "" : "?"}: ${P}Input`] : []),
      `options${optionsRequired ? "" : "?"}: ${P}CallOptions`,
    ];
    const retryNote =
      op.retry === "idempotency-token"
        ? `Every attempt carries one \`${op.idempotencyToken}\`, so the call is retried after 500, 502, 503 and 504 answers, network errors and timeouts as well.`
        : "The operation has no idempotency token, so the call is retried only where the service cannot have acted.";
    const transforms = op.body?.transforms ?? [];
    const at = (t) => `\`${t.path.join(".")}\``;
    // The passwords only checked share one sentence ("`keyConfig.adminPass` and `adminPass` are ...").
    const checked = transforms.filter((t) => !["encodeUserData", "encryptAdminPass"].includes(t.kind)).map(at);
    const transformNotes = [
      ...(checked.length
        ? [
            `${checked.join(" and ")} ${checked.length > 1 ? "are" : "is"} checked against the password policy before anything is sent.`,
          ]
        : []),
      ...transforms.flatMap((t) =>
        t.kind === "encodeUserData"
          ? [`${at(t)} is taken as plain text and encoded as the service wants it.`]
          : t.kind === "encryptAdminPass"
            ? [
                `${at(t)} is a plain-text password, checked against the password policy and encrypted with the secret access key.`,
              ]
            : [],
      ),
    ];
    members.push(
      `${doc(
        [
          `${op.summary ?? op.id} (${op.method} ${op.path}).`,
          "",
          op.description?.trim(),
          "",
          [...transformNotes, retryNote].join(" "),
          "Rejects with a BceError: BceValidationError when nothing was sent.",
        ],
        "  ",
      )}  ${op.id}(${args.join(", ")}): Promise<${P}Result>;\n`,
    );
    const pathObject = `{ ${op.pathArgs.map((a) => `${json(a.name)}: ${a.arg}`).join(", ")} }`;
    const queryNames = op.query.map((q) => q.name);
    for (const name of queryNames) {
      // A server variable is a client option (BCC's region): a query parameter of that name would
      // make the client refuse its own option, and a call take one it cannot have.
      if (Object.hasOwn(servers[0].variables, name))
        throw new Error(`${op.id}: the query parameter ${name} has the name of a server variable, a client option`);
      if (!callOnlyNames.includes(name)) callOnlyNames.push(name);
    }
    const inputObject = `{ path: ${pathObject}, query${op.body ? ", body" : ""} }`;
    const shape = op.success.hasBody
      ? `{ ...(data as object), $metadata } as ${P}Result`
      : "{ requestId: $metadata.requestId, $metadata }";
    impls.push(
      `    async ${op.id}(${args.map((a) => a.replace(/\?:.*$/, "").replace(/:.*$/, "")).join(", ")}) {\n` +
        `      const { query, call } = splitOptions(options, ${json(queryNames)}${clientNames.length ? `, ${json(clientNames)}` : ""});\n` +
        `      const { data, $metadata } = await ${callName}(service, ops.${op.id}, ${inputObject}, call, runtime);\n` +
        `      ${op.success.hasBody ? "" : "void data;\n      "}return ${shape};\n` +
        `    },\n`,
    );
  }

  // Server variables (e.g. BCC's region) become client options.
  const variables = Object.entries(servers[0].variables);
  // A URL with no `{variable}` is what serverUrl would return: written as it is, and serverUrl
  // stays out of the client's bundle, unless the server declares variables (options serverUrl checks).
  const templated = /\{[^}]+\}/.test(servers[0].url);
  const usesServerUrl = templated || variables.length > 0;
  const variableTypes = variables.map(([name, v]) => {
    const typeName = `${C}${pascal(argumentLike(name))}`;
    const type = v.enum ? v.enum.map(json).join(" | ") : "string";
    return { name, typeName, type, v };
  });
  for (const { typeName } of variableTypes)
    if (components.has(typeName)) throw new Error(`server variable type ${typeName} clashes with a component`);
  // Only the transforms the operations name, and the interpreter only where there are success
  // bodies to check: what a client does not use stays out of its bundle.
  const kinds = [...new Set(operations.flatMap((op) => (op.body?.transforms ?? []).map((t) => t.kind)))].sort();
  const runtimeImports = kinds.map((k) => `${k}Transform`);
  const runtimeFields = [
    ...(kinds.length ? [`transforms: { ${kinds.map((k) => `${k}: ${k}Transform`).join(", ")} }`] : []),
    // A dynamic import: bundlers that split code load the interpreter and the answer schemas only
    // for a client that checks answers (validateResponses "warn" or "strict").
    ...(checksAnswers ? ['responseChecks: () => import("./responses.js")'] : []),
  ];
  // responses.ts: the success body schemas, with the interpreter that checks a body against them.
  const responsesTs = checksAnswers
    ? `${banner}/* eslint-disable */\n` +
      `// Loaded by the client only when it checks answers (validateResponses "warn" or "strict").\n` +
      `export { responseProblems } from "${INTERNAL}/validation";\n\n` +
      `/** By operationId, then status: the JSON Schema of the success body, null when there is none. */\n` +
      `export const responses = ${json(Object.fromEntries(operations.map((op) => [op.id, op.responses])))};\n`
    : undefined;
  const clientTs =
    `${banner}/* eslint-disable */\n` +
    `import { ${[callName, "createServiceClient", ...(usesServerUrl ? ["serverUrl"] : []), "splitOptions", ...runtimeImports].sort().join(", ")} } from "${INTERNAL}";\n` +
    // The client's public types from core's main entry: the declarations then resolve without
    // package exports too (TypeScript's legacy moduleResolution "node"), as the entry points do.
    `import type { BceClientOptions, CallOptions, RawPaths, ResponseMetadata } from "@bce-openapi/core";\n` +
    `import type { OperationRuntime } from "${INTERNAL}";\n` +
    `import type { Client } from "openapi-fetch";\n` +
    `import * as ops from "./operations.js";\n` +
    `import type { ${[...typeImports].sort().join(", ")} } from "./schema.js";\n` +
    (Object.keys(sentBodies).length ? 'import type * as Sent from "./request.js";\n' : "") +
    "\n" +
    `/** The transforms the operations name${checksAnswers ? ", and the loader of the opt-in response checks" : ""}. */\n` +
    `const runtime: OperationRuntime = { ${runtimeFields.join(", ")} };\n\n` +
    variableTypes
      .map(
        ({ typeName, type, v }) =>
          `${doc([v.description, `Default: ${json(v.default)}.`])}export type ${typeName} = ${type};\n\n`,
      )
      .join("") +
    `/** Options of ${C} clients. */\nexport interface ${C}ClientOptions extends BceClientOptions {\n` +
    variableTypes
      .map(
        ({ name, typeName, v }) =>
          `${doc([`${v.description ?? `Server variable ${name}.`} Ignored with \`endpoint\`; default ${json(v.default)}.`], "  ")}  ${name}?: ${typeName} | undefined;\n`,
      )
      .join("") +
    `}\n\n` +
    exportsTs.join("\n") +
    `\n/** A client for ${C}: one method per operation of the spec. */\nexport interface ${C}Client {\n` +
    members.join("") +
    `  /**\n   * The typed openapi-fetch client, for everything the methods above do not cover. Its types are the\n   * spec's, with each open enum read as \`string\` (\`RawPaths\`).\n   */\n  readonly raw: Client<RawPaths<paths>>;\n}\n\n` +
    `/** A ${C} client. With no \`endpoint\` it calls the spec's server${variables.length ? ` (${variables.map(([n]) => n).join(", ")} from the options)` : ""}. */\n` +
    `export function create${C}Client(options: ${C}ClientOptions = {}): ${C}Client {\n` +
    // Server variables are read by createServiceClient (a function): it refuses a null first, and a
    // getter that throws as the options' BceValidationError.
    `  const service = createServiceClient<RawPaths<paths>>(options, ${variables.length ? `(own) => serverUrl(ops.servers[0], { ${variables.map(([n]) => `${json(n)}: own[${json(n)}]`).join(", ")} })` : templated ? "serverUrl(ops.servers[0])" : json(servers[0].url)}, ${json(C.toLowerCase())}${variables.length || callOnlyNames.length ? `, ${json(variables.map(([n]) => n))}` : ""}${callOnlyNames.length ? `, ${json(callOnlyNames)}` : ""});\n` +
    `  return {\n    raw: service.raw,\n` +
    impls.join("") +
    `  };\n}\n`;

  // Every file name is one of OUTPUT_FILES.
  return {
    "schema.ts": `${banner}/* eslint-disable */\n${await generateTypes(bundle)}`,
    ...(Object.keys(sentBodies).length
      ? {
          "request.ts":
            `${banner}/* eslint-disable */\n` +
            "// The request bodies as the client sends them: each schema with its x-client-rules beside it\n" +
            "// (an intersection), so a value of a type the client refuses does not type-check either. An\n" +
            "// if/then/else on one field's constant is a union of its branches; rules TypeScript cannot say\n" +
            "// (patterns, lengths, other conditions) are checked when a call is made.\n" +
            `${await generateRequestTypes(bundle, sentBodies, inputNames)}`,
        }
      : {}),
    "operations.ts": operationsTs,
    "client.ts": clientTs,
    ...(responsesTs ? { "responses.ts": responsesTs } : {}),
  };
}

function argumentLike(name) {
  return name.replace(/[^A-Za-z0-9]+(.)?/g, (_, c) => (c ? c.toUpperCase() : ""));
}
