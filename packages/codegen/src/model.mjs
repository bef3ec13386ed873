// What the generator reads from a service bundle: per operation, everything the runtime's
// OperationSpec holds, and the request schemas the checks are compiled from.
import { ANNOTATION_KEYWORDS } from "@bce-openapi/core/internal/validation";
import { openEnumParts } from "./types.mjs";

export const METHODS = ["get", "put", "post", "delete", "patch"];
export const RETRY_CLASSES = ["idempotency-token", "unsafe"];
export const TRANSFORMS = ["encodeUserData", "encryptAdminPass", "checkPasswordPolicy"];
/**
 * Keywords the runtime's schema interpreter never reads, left out of the generated schemas;
 * `$defs` stays, since a `$ref` may point into it.
 */
const ANNOTATIONS = new Set([...ANNOTATION_KEYWORDS].filter((keyword) => keyword !== "$defs"));

const isObject = (v) => typeof v === "object" && v !== null && !Array.isArray(v);
const IDENT = /^[A-Za-z_$][\w$]*$/;

export function resolvePointer(doc, ref) {
  if (typeof ref !== "string" || !ref.startsWith("#/"))
    throw new Error(`$ref ${JSON.stringify(ref)}: only local references resolve`);
  let node = doc;
  for (const token of ref.slice(2).split("/")) {
    const key = decodeURIComponent(token).replace(/~1/g, "/").replace(/~0/g, "~");
    if (!isObject(node) || !Object.hasOwn(node, key)) throw new Error(`$ref ${ref} does not resolve`);
    node = node[key];
  }
  return node;
}

/** Follow `$ref`s to the object they name (parameters, request bodies, responses). */
export function deref(doc, node) {
  let n = node;
  for (let hops = 0; isObject(n) && typeof n.$ref === "string"; hops++) {
    if (hops > 32) throw new Error(`$ref cycle at ${node.$ref}`);
    n = resolvePointer(doc, n.$ref);
  }
  return n;
}

/** The identifier a caller knows a path parameter by: `vmID` is passed as `vmId`. */
export function argumentName(name) {
  let id = name.replace(/[^A-Za-z0-9_$]+(.)?/g, (_, c) => (c ? c.toUpperCase() : ""));
  id = id.replace(/([A-Z])([A-Z]+)$/, (_, a, b) => a + b.toLowerCase());
  if (!IDENT.test(id)) id = `_${id}`;
  return id;
}

export const pascal = (s) => s.charAt(0).toUpperCase() + s.slice(1);

/** A schema without annotations and extensions: what the runtime interpreter reads. */
export function stripAnnotations(node) {
  if (Array.isArray(node)) return node.map(stripAnnotations);
  if (!isObject(node)) return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([k]) => !ANNOTATIONS.has(k) && !k.startsWith("x-"))
      .map(([k, v]) => [
        k,
        k === "properties"
          ? Object.fromEntries(Object.entries(v).map(([p, s]) => [p, stripAnnotations(s)]))
          : stripAnnotations(v),
      ]),
  );
}

/**
 * A success body's schema made self-contained for the interpreter: components it reaches are
 * copied under `$defs` and the `$ref`s point there, so the schema is its own root.
 */
export function selfContained(doc, schema) {
  const names = new Set();
  const rewrite = (node) => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (!isObject(node)) return node;
    const out = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === "$ref" && typeof v === "string") {
        const m = v.match(/^#\/components\/schemas\/(.+)$/);
        if (!m) throw new Error(`$ref ${v}: a response schema may refer only to components/schemas`);
        const name = m[1].replace(/~1/g, "/").replace(/~0/g, "~");
        if (!names.has(name)) {
          names.add(name);
          defs[name] = rewrite(stripAnnotations(resolvePointer(doc, v)));
        }
        out.$ref = `#/$defs/${m[1]}`;
      } else
        out[k] =
          k === "properties" ? Object.fromEntries(Object.entries(v).map(([p, s]) => [p, rewrite(s)])) : rewrite(v);
    }
    return out;
  };
  const defs = {};
  const root = rewrite(stripAnnotations(schema));
  const sorted = Object.fromEntries(
    Object.keys(defs)
      .sort()
      .map((k) => [k, defs[k]]),
  );
  return Object.keys(sorted).length ? { ...root, $defs: sorted } : root;
}

function serversOf(doc, item, op, where) {
  const servers = op.servers ?? item.servers ?? doc.servers;
  if (!Array.isArray(servers) || servers.length === 0)
    throw new Error(`${where}: no servers (on the operation, its path or the root)`);
  return servers.map((s) => ({
    url: s.url,
    variables: Object.fromEntries(
      Object.entries(s.variables ?? {}).map(([name, v]) => [
        name,
        {
          default: v.default,
          ...(v.enum ? { enum: v.enum } : {}),
          ...(v.description ? { description: v.description } : {}),
        },
      ]),
    ),
  }));
}

/** Where `x-bce-transform` marks body properties, following `$ref`s and `properties`, in document order. */
function transformsOf(doc, schema, where) {
  const found = [];
  const walk = (node, path, seen) => {
    if (!isObject(node) || seen.includes(node)) return;
    const next = [...seen, node];
    if (typeof node.$ref === "string") walk(resolvePointer(doc, node.$ref), path, next);
    // The same place: a nullable object (`anyOf: [{ $ref }, { type: null }]`) keeps its transforms.
    for (const k of ["allOf", "anyOf", "oneOf"]) for (const sub of node[k] ?? []) walk(sub, path, next);
    for (const [name, sub] of Object.entries(isObject(node.properties) ? node.properties : {})) {
      const kind = isObject(sub) ? sub["x-bce-transform"] : undefined;
      if (kind !== undefined) {
        if (!TRANSFORMS.includes(kind))
          throw new Error(
            `${where}: x-bce-transform ${JSON.stringify(kind)} at ${[...path, name].join(".")} is not one of ${TRANSFORMS.join(", ")}`,
          );
        const at = [...path, name];
        if (!found.some((t) => t.kind === kind && t.path.join("/") === at.join("/"))) found.push({ path: at, kind });
      }
      walk(sub, [...path, name], next);
    }
  };
  walk(schema, [], []);
  return found;
}

/** The string type of a query or path parameter, or an error for what the client cannot send. */
function checkStringParameter(schema, where) {
  const types = [schema.type].flat().filter((t) => t !== undefined);
  const stringy = types.length
    ? types.every((t) => t === "string")
    : Array.isArray(schema.enum) && schema.enum.every((e) => typeof e === "string");
  if (!stringy && !schema["x-bce-open-enum"]) throw new Error(`${where}: only string parameters are generated`);
}

/** Every operation of the bundle, ready for emitting. */
export function readOperations(doc) {
  const operations = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of Object.keys(item)) {
      const op = item[method];
      if (!isObject(op) || !op.operationId) continue;
      if (!METHODS.includes(method))
        throw new Error(`${method.toUpperCase()} ${path}: method not supported by the generator`);
      const id = op.operationId;
      if (!IDENT.test(id)) throw new Error(`operationId ${JSON.stringify(id)} is not a JavaScript identifier`);
      const where = `${id} (${method.toUpperCase()} ${path})`;
      const retry = op["x-bce-retry"] ?? "unsafe";
      if (!RETRY_CLASSES.includes(retry))
        throw new Error(`${where}: x-bce-retry must be one of ${RETRY_CLASSES.join(", ")}`);

      // Operation-level parameters override the path item's of the same name and place.
      const params = new Map();
      for (const p of [...(item.parameters ?? []), ...(op.parameters ?? [])].map((p) => deref(doc, p)))
        params.set(`${p.in}:${p.name}`, p);

      const pathArgs = [];
      const fixedPath = {};
      const query = [];
      const fixedQuery = {};
      for (const p of params.values()) {
        const schema = deref(doc, p.schema ?? {});
        const viewSchema = p.schema ?? {};
        const fixed = Array.isArray(schema.enum) && schema.enum.length === 1 ? schema.enum[0] : schema.const;
        if (p.in === "path") {
          checkStringParameter(schema, `${where}: path parameter ${p.name}`);
          if (fixed !== undefined) fixedPath[p.name] = String(fixed);
          else
            pathArgs.push({ name: p.name, arg: argumentName(p.name), schema: viewSchema, description: p.description });
        } else if (p.in === "query") {
          checkStringParameter(schema, `${where}: query parameter ${p.name}`);
          if (fixed !== undefined && p.required) fixedQuery[p.name] = String(fixed);
          else
            query.push({ name: p.name, required: p.required === true, schema: viewSchema, description: p.description });
        } else if (p.in === "header") {
          // x-bce-* headers (x-bce-date) are the signer's; others are not generated.
          if (p.required && !p.name.toLowerCase().startsWith("x-bce-"))
            throw new Error(`${where}: required header ${p.name} is not generated`);
        } else throw new Error(`${where}: ${p.in} parameters are not generated`);
      }
      const tokenName = op["x-bce-idempotency-token"];
      if (tokenName !== undefined) {
        const token = query.find((q) => q.name === tokenName);
        if (!token)
          throw new Error(
            `${where}: x-bce-idempotency-token names ${JSON.stringify(tokenName)}, not one of its optional query parameters`,
          );
        if (retry !== "idempotency-token")
          throw new Error(`${where}: an operation with an idempotency token takes x-bce-retry: idempotency-token`);
      } else if (retry === "idempotency-token")
        throw new Error(`${where}: x-bce-retry: idempotency-token needs x-bce-idempotency-token`);
      for (const q of query)
        if (!IDENT.test(q.name)) throw new Error(`${where}: query parameter ${q.name} is not a JavaScript identifier`);

      const requestBody = op.requestBody ? deref(doc, op.requestBody) : undefined;
      const bodySchema = requestBody?.content?.["application/json"]?.schema;
      if (requestBody && !bodySchema) throw new Error(`${where}: only application/json request bodies are generated`);
      const body = bodySchema
        ? {
            required: requestBody.required === true,
            schema: bodySchema,
            ref: bodySchema.$ref,
            transforms: transformsOf(doc, bodySchema, where),
          }
        : undefined;
      for (const t of body?.transforms ?? []) {
        if (t.kind === "encryptAdminPass" && t.path.length !== 1)
          throw new Error(`${where}: encryptAdminPass is generated for top-level body properties only`);
      }

      const responses = {};
      let success;
      for (const [status, response] of Object.entries(op.responses ?? {})) {
        if (!/^2\d\d$/.test(status)) continue;
        const schema = deref(doc, response).content?.["application/json"]?.schema;
        responses[status] = schema ? selfContained(doc, schema) : null;
        success ??= { status, ref: schema?.$ref, hasBody: schema !== undefined };
      }
      if (!success) throw new Error(`${where}: no 2xx response`);

      operations.push({
        id,
        method: method.toUpperCase(),
        path,
        where,
        summary: op.summary,
        description: op.description,
        servers: serversOf(doc, item, op, where),
        retry,
        idempotencyToken: tokenName,
        pathArgs,
        fixedPath,
        query,
        fixedQuery,
        body,
        responses,
        success,
      });
    }
  }
  return { operations, root: doc };
}

export { openEnumParts };
