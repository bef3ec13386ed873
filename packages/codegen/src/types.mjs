// TypeScript types of a service bundle, by openapi-typescript, with open enums made open.
//
// An open enum (values the service may add later) is written in the spec as
//   { "x-bce-open-enum": true, anyOf: [{ type: string, enum: [known...] }, { type: string }] }
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

/** The known values and the open and null branches of an `x-bce-open-enum` schema. */
export function openEnumParts(schema, where) {
  if (!Array.isArray(schema.anyOf))
    throw new Error(`${where}: x-bce-open-enum needs an anyOf of the known values and an open string`);
  const known = [];
  let open = false;
  let nullable = false;
  for (const branch of schema.anyOf) {
    const types = [branch.type].flat();
    if (Array.isArray(branch.enum)) {
      for (const value of branch.enum) {
        if (value === null) nullable = true;
        else if (typeof value === "string") known.push(value);
        else throw new Error(`${where}: x-bce-open-enum values must be strings`);
      }
    } else if (types.length === 1 && types[0] === "null") nullable = true;
    else if (types.includes("string")) {
      open = true;
      if (types.includes("null")) nullable = true;
    } else throw new Error(`${where}: an x-bce-open-enum branch must be the known values, a string or null`);
  }
  if (!open || known.length === 0)
    throw new Error(`${where}: x-bce-open-enum needs both the known values and an open string branch`);
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

/**
 * openapi-typescript's options for `doc`: open enums made open, nulls kept; in the client view
 * (`clientView`), a rule's array of no stated items typed `{}`.
 */
const typeOptions = (doc, { clientView = false } = {}) => ({
  defaultNonNullable: false,
  // `not: {}` refuses any value (a field an if/then rule forbids): `never`, not `unknown`.
  transform(schema) {
    if (isObject(schema.not) && Object.keys(schema.not).length === 0)
      return ts.factory.createKeywordTypeNode(ts.SyntaxKind.NeverKeyword);
    // An array of no stated items (a rule's "not null", beside the schema that types the items):
    // `{}`, which the intersection with `string[] | null` makes `string[]` (`unknown[]` showed as
    // `string[] & unknown[]`).
    if (clientView && schema.type === "array" && schema.items === undefined && schema.prefixItems === undefined)
      return ts.factory.createTypeLiteralNode([]);
    return undefined;
  },
  postTransform(_type, options) {
    const schema = at(doc, options.path);
    if (!isObject(schema) || schema["x-bce-open-enum"] !== true) return undefined;
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

/**
 * What a caller gives for a property the client transforms before sending (`x-bce-transform`), said
 * before the spec's description, which says what the service receives: the types' hover text is
 * read by callers, who would otherwise encode a `userData` twice.
 */
const TRANSFORM_NOTES = {
  encodeUserData: "Plain text: the client encodes it as the service wants it.",
  encryptAdminPass:
    "The password in plain text, checked against the password policy and encrypted with the secret access key, or `{ encrypted }` with a ciphertext of your own.",
  checkPasswordPolicy: "Checked against the password policy before anything is sent.",
};

/** The description a caller reads of `schema`: its transform's note first, where it has one. */
function callerDescription(schema) {
  const note = TRANSFORM_NOTES[schema["x-bce-transform"]];
  if (note === undefined || schema.description === undefined) return schema.description;
  return `${note}\n\nWhat the service receives: ${schema.description}`;
}

/**
 * `schema` as a client sends it: every schema with `x-client-rules` R becomes `allOf: [itself, R]`,
 * and an if/then/else that one property's constant decides becomes a union of its two branches.
 * @param {(pointer: string) => unknown} resolve a `$ref`'s target
 * @param {object[]} outer the schemas `schema` applies beside (a rule's own schema), for the
 *   values a property may take
 */
function clientView(schema, resolve, outer = []) {
  if (Array.isArray(schema)) return schema.map((s) => clientView(s, resolve));
  if (!isObject(schema)) return schema;
  const view = {};
  for (const [key, value] of Object.entries(schema))
    if (key !== "x-client-rules") view[key] = clientView(value, resolve);
  if (view.description !== undefined) view.description = callerDescription(schema);
  // An example of what the service receives is not one of what a caller gives.
  if (TRANSFORM_NOTES[schema["x-bce-transform"]] !== undefined) {
    delete view.example;
    delete view.examples;
  }
  const branches = conditionalBranches(schema, [schema, ...outer], resolve);
  const whole = branches ? { allOf: [view, { oneOf: branches }] } : view;
  const rules = schema["x-client-rules"];
  return rules === undefined ? whole : { allOf: [whole, clientView(rules, resolve, [schema])] };
}

/**
 * The two branches of an `if` on one property's `const` (`required` naming it or not), as plain
 * schemas TypeScript can tell apart: the `then` branch with that value, the `else` branch with the
 * property's other values (or absent, where the `if` requires it). Undefined for any other `if`, or
 * a property whose values are not a known few: that rule stays with the run-time checks.
 */
function conditionalBranches(schema, scopes, resolve) {
  const { if: condition, then: yes, else: no } = schema;
  if (!isObject(condition) || !isObject(condition.properties)) return undefined;
  const keys = Object.keys(condition.properties);
  if (keys.length !== 1 || Object.keys(condition).some((k) => k !== "properties" && k !== "required")) return undefined;
  const [key] = keys;
  const tested = condition.properties[key];
  const required = condition.required ?? [];
  if (!isObject(tested) || Object.keys(tested).join() !== "const" || required.some((k) => k !== key)) return undefined;
  if (isObject(tested.const) || Array.isArray(tested.const)) return undefined;
  const values = scopes.map((s) => valuesOf(s.properties?.[key], resolve)).find((v) => v !== undefined);
  if (!values) return undefined;
  const others = values.filter((v) => v !== tested.const);
  const present = required.includes(key);
  return [
    {
      allOf: [
        { required: present ? [key] : [], properties: { [key]: { const: tested.const } } },
        ...(yes === undefined ? [] : [clientView(yes, resolve)]),
      ],
    },
    {
      allOf: [
        { required: present ? [] : [key], properties: { [key]: { enum: others } } },
        ...(no === undefined ? [] : [clientView(no, resolve)]),
      ],
    },
  ];
}

/** Every value `schema` allows, when they are a known few (an enum, a const, a boolean, null). */
function valuesOf(schema, resolve, depth = 0) {
  if (!isObject(schema) || depth > 16) return undefined;
  if (typeof schema.$ref === "string") return valuesOf(resolve(schema.$ref), resolve, depth + 1);
  if (Array.isArray(schema.enum)) return schema.enum;
  if (Object.hasOwn(schema, "const")) return [schema.const];
  if (Array.isArray(schema.anyOf) || Array.isArray(schema.oneOf)) {
    const parts = (schema.anyOf ?? schema.oneOf).map((branch) => valuesOf(branch, resolve, depth + 1));
    return parts.every(Array.isArray) ? [...new Set(parts.flat())] : undefined;
  }
  const types = [schema.type].flat();
  if (schema.type === undefined || !types.every((t) => t === "boolean" || t === "null")) return undefined;
  return types.flatMap((t) => (t === "boolean" ? [true, false] : [null]));
}

/**
 * The caller's view of a request body whose `keys` the client transforms before sending (a
 * password it encrypts): those properties become `plain` in the body's own schema (through a
 * `$ref`), and its `x-client-rules` say nothing of their type (they rule the sent form); every
 * other rule, an if/then's `not: {}` included, stays.
 */
export function callerView(doc, schema, keys, plain) {
  if (!isObject(schema)) return schema;
  const { $ref, ...own } = structuredClone(schema);
  for (const key of keys) {
    const property = own.properties?.[key];
    if (isObject(property))
      own.properties[key] = {
        ...plain,
        ...(property.description !== undefined && { description: callerDescription(property) }),
      };
    if (isObject(own["x-client-rules"]?.properties?.[key])) own["x-client-rules"].properties[key] = {};
  }
  if ($ref === undefined) return own;
  const target = callerView(doc, at(doc, $ref), keys, plain);
  return Object.keys(own).length === 0 ? target : { allOf: [target, own] };
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
 * An if/then/else on one property's constant is a union of its branches; rules TypeScript cannot
 * say (patterns, lengths, other conditions) stay with the run-time checks.
 * @param {object} doc the service bundle
 * @param {Record<string, object>} bodies the name each request body's type takes, to its schema
 * @param {Record<string, string>} [declaredAs] a schema's type declared under another name (an operation's Input)
 */
export async function generateRequestTypes(doc, bodies, declaredAs = {}) {
  const schemas = {};
  const resolve = (pointer) => at(doc, pointer);
  for (const name of [...reachedComponents(doc, Object.values(bodies))].sort())
    schemas[name] = clientView(doc.components.schemas[name], resolve);
  // A body that is its component (a bare $ref) is typed already; any other gets its own name.
  for (const [name, schema] of Object.entries(bodies)) schemas[name] ??= clientView(schema, resolve);
  const view = { openapi: doc.openapi, info: doc.info, paths: {}, components: { schemas } };
  const ast = await openapiTS(structuredClone(view), typeOptions(view, { clientView: true }));
  // Only the schemas: the view has no paths, webhooks or operations to type.
  const kept = (node) =>
    !(ts.isTypeAliasDeclaration(node) || ts.isInterfaceDeclaration(node)) ||
    !["paths", "webhooks", "operations", "$defs"].includes(node.name.text);
  // openapi-typescript tags each `const` and `enum` member `@constant` or `@enum {unknown}`: in the
  // rules' branches, they are all a hover over such a field would show of them, beside its description.
  return astToString(namedSchemas(ast.filter(kept), declaredAs)).replace(
    /^[ \t]*\/\*\* @(?:constant|enum \{unknown\}) \*\/\n/gm,
    "",
  );
}

/**
 * Each schema's type declared as a type alias of its name, which `components` refers to, rather
 * than inside `components` (openapi-typescript's root types are indexed accesses into it): the
 * compiler names a type by the alias that declares it, so an error about a body says
 * its name, not the whole intersection it is. `declaredAs`: a schema declared under another name.
 */
function namedSchemas(nodes, declaredAs) {
  const aliases = [];
  // `schema`'s type as an exported alias of its name, and `schema` referring to it.
  const named = (schema) => {
    const name = ts.isIdentifier(schema.name) || ts.isStringLiteral(schema.name) ? schema.name.text : undefined;
    if (!ts.isPropertySignature(schema) || !schema.type || !name || !/^[A-Za-z_$][\w$]*$/.test(name))
      throw new Error(`request types: the schema ${name ?? "?"} cannot be named as a type`);
    // A keyword (`class`, `type`, `constructor`) is no type's name, and a name the module itself
    // uses (`components`, the global `Record`) would be taken from it.
    const keyword = ts.stringToToken(name);
    if (
      (keyword !== undefined && keyword >= ts.SyntaxKind.FirstKeyword && keyword <= ts.SyntaxKind.LastKeyword) ||
      name === "components" ||
      name === "Record"
    )
      throw new Error(
        `request types: the schema ${name} cannot be named as a type (a name TypeScript or the module takes)`,
      );
    const declared = declaredAs[name] ?? name;
    const alias = ts.factory.createTypeAliasDeclaration(
      [ts.factory.createModifier(ts.SyntaxKind.ExportKeyword)],
      declared,
      undefined,
      schema.type,
    );
    ts.setSyntheticLeadingComments(alias, ts.getSyntheticLeadingComments(schema));
    aliases.push(alias);
    return retyped(schema, ts.factory.createTypeReferenceNode(declared));
  };
  const isSchemas = (member) =>
    ts.isPropertySignature(member) &&
    ts.isIdentifier(member.name) &&
    member.name.text === "schemas" &&
    member.type !== undefined &&
    ts.isTypeLiteralNode(member.type);
  const result = nodes.map((node) =>
    ts.isInterfaceDeclaration(node) && node.name.text === "components"
      ? ts.factory.updateInterfaceDeclaration(
          node,
          node.modifiers,
          node.name,
          node.typeParameters,
          node.heritageClauses,
          node.members.map((member) =>
            isSchemas(member)
              ? retyped(member, ts.factory.createTypeLiteralNode(member.type.members.map(named)))
              : member,
          ),
        )
      : node,
  );
  return [...result, ...aliases];
}

/** A property signature with another type. */
const retyped = (signature, type) =>
  ts.factory.updatePropertySignature(signature, signature.modifiers, signature.name, signature.questionToken, type);
