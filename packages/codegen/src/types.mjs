// TypeScript types of a service bundle, by openapi-typescript, with open enums made open.
//
// An open enum (values the service may add later) is written in the spec as
//   { "x-extensible-enum": true, anyOf: [{ type: string, enum: [known...] }, { type: string }] }
// openapi-typescript types that as `"A" | "B" | string`, which TypeScript collapses to `string`
// (no completion). Here it becomes `"A" | "B" | (string & {})`: the known values complete, and
// any other string is accepted. A `type: "null"` branch (or null in the enum) adds `| null`.
import openapiTS, { astToString } from "openapi-typescript";
import ts from "typescript";

const isObject = (v) => typeof v === "object" && v !== null && !Array.isArray(v);

/** The node a JSON pointer ("#/components/schemas/X/properties/y") names in `doc`. */
function at(doc, pointer) {
  if (typeof pointer !== "string" || !pointer.startsWith("#/")) return undefined;
  let node = doc;
  for (const token of pointer.slice(2).split("/")) {
    const key = decodeURIComponent(token).replace(/~1/g, "/").replace(/~0/g, "~");
    if (!isObject(node) && !Array.isArray(node)) return undefined;
    node = node[key];
  }
  return node;
}

/** The known values and the open and null branches of an `x-extensible-enum` schema. */
export function openEnumParts(schema, where) {
  if (!Array.isArray(schema.anyOf))
    throw new Error(`${where}: x-extensible-enum needs an anyOf of the known values and an open string`);
  const known = [];
  let open = false;
  let nullable = false;
  for (const branch of schema.anyOf) {
    const types = [branch.type].flat();
    if (Array.isArray(branch.enum)) {
      for (const value of branch.enum) {
        if (value === null) nullable = true;
        else if (typeof value === "string") known.push(value);
        else throw new Error(`${where}: x-extensible-enum values must be strings`);
      }
    } else if (types.length === 1 && types[0] === "null") nullable = true;
    else if (types.includes("string")) {
      open = true;
      if (types.includes("null")) nullable = true;
    } else throw new Error(`${where}: an x-extensible-enum branch must be the known values, a string or null`);
  }
  if (!open || known.length === 0)
    throw new Error(`${where}: x-extensible-enum needs both the known values and an open string branch`);
  return { known, nullable };
}

/** `"A" | "B" | (string & {})`, with `| null` when the schema allows null. */
function openEnumType({ known, nullable }) {
  const f = ts.factory;
  const literals = known.map((v) => f.createLiteralTypeNode(f.createStringLiteral(v)));
  const anyString = f.createParenthesizedType(
    f.createIntersectionTypeNode([f.createKeywordTypeNode(ts.SyntaxKind.StringKeyword), f.createTypeLiteralNode([])]),
  );
  const members = [...literals, anyString, ...(nullable ? [f.createLiteralTypeNode(f.createNull())] : [])];
  return f.createUnionTypeNode(members);
}

/** openapi-typescript's options for `doc`: open enums made open, nulls kept. */
const typeOptions = (doc) => ({
  defaultNonNullable: false,
  postTransform(_type, options) {
    const schema = at(doc, options.path);
    if (!isObject(schema) || schema["x-extensible-enum"] !== true) return undefined;
    return openEnumType(openEnumParts(schema, options.path));
  },
});

/** The types module's text for a bundle. */
export async function generateTypes(doc) {
  const ast = await openapiTS(structuredClone(doc), {
    rootTypes: true,
    rootTypesNoSchemaPrefix: true,
    ...typeOptions(doc),
  });
  return astToString(ast);
}

/** `schema` as a client sends it: every schema with `x-client-rules` R becomes `allOf: [itself, R]`. */
function clientView(schema) {
  if (Array.isArray(schema)) return schema.map(clientView);
  if (!isObject(schema)) return schema;
  const view = {};
  for (const [key, value] of Object.entries(schema)) if (key !== "x-client-rules") view[key] = clientView(value);
  return schema["x-client-rules"] === undefined ? view : { allOf: [view, clientView(schema["x-client-rules"])] };
}

/** The names of the components `schema` reaches through `$ref`s, itself included when it is one. */
function reachedComponents(doc, schema) {
  const names = new Set();
  const visit = (node) => {
    if (Array.isArray(node)) for (const item of node) visit(item);
    else if (isObject(node))
      for (const [key, value] of Object.entries(node)) {
        const name =
          key === "$ref" && typeof value === "string" && value.match(/^#\/components\/schemas\/([^/]+)$/)?.[1];
        if (name && !names.has(name)) {
          names.add(name);
          visit(doc.components?.schemas?.[name]);
        } else visit(value);
      }
  };
  visit(schema);
  return names;
}

/**
 * The types of what the clients send: `interface components` (and a root type per schema) whose
 * schemas are the request bodies and the components they reach, each with its `x-client-rules`
 * applied beside it (an intersection, as `allOf`). A value the clients refuse before sending, such
 * as a `null` the service would take or a field outside the documented ones' types, then fails to
 * type-check.
 * Rules TypeScript cannot say (patterns, lengths, if/then) stay with the run-time checks.
 * @param {object} doc the service bundle
 * @param {Record<string, object>} bodies the name each request body's type takes, to its schema
 */
export async function generateRequestTypes(doc, bodies) {
  const schemas = {};
  for (const name of [...reachedComponents(doc, Object.values(bodies))].sort())
    schemas[name] = clientView(doc.components.schemas[name]);
  // A body that is its component (a bare $ref) is typed already; any other gets its own name.
  for (const [name, schema] of Object.entries(bodies)) schemas[name] ??= clientView(schema);
  const view = { openapi: doc.openapi, info: doc.info, paths: {}, components: { schemas } };
  const ast = await openapiTS(structuredClone(view), {
    rootTypes: true,
    rootTypesNoSchemaPrefix: true,
    ...typeOptions(view),
  });
  // Only the schemas: the view has no paths, webhooks or operations to type.
  const kept = (node) =>
    !(ts.isTypeAliasDeclaration(node) || ts.isInterfaceDeclaration(node)) ||
    !["paths", "webhooks", "operations", "$defs"].includes(node.name.text);
  return astToString(ast.filter(kept));
}
