// The TypeScript of what a schema's `x-client-rules` narrow, for the generated input types: what a
// client may send is the schema AND its rules, so the input type is the schema's type intersected
// with this one (a null the schema allows and the rules refuse, a required field, a closed enum).
// Only the keywords a type can carry are read (type, enum, const, properties, required, items, a
// $ref to a component); the rest (patterns, lengths, if/then, ...) narrow nothing here and are left
// to the request checks, which apply every rule before anything is sent.
import { deref } from "./model.mjs";

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const SCALARS = { string: "string", boolean: "boolean", number: "number", integer: "number", null: "null" };

/**
 * @param {object} doc the bundled document (for the body schema's $ref)
 * @param {object} body the body schema as the operation gives it
 * @param {{ omit?: string[], component: (name: string) => string }} options `omit`: properties
 *   the input type writes itself; `component`: the type name of a component (and imports it)
 * @returns {string | undefined} a TypeScript object type, or undefined when the rules narrow nothing
 */
export function clientRulesType(doc, body, { omit = [], component }) {
  const rules = deref(doc, body)?.["x-client-rules"];
  if (!isObject(rules)) return undefined;
  const type = objectType(rules, component, "", omit);
  return type === "{}" ? undefined : type;
}

function typeOf(s, component, indent) {
  if (s === false) return "never";
  if (!isObject(s)) return "unknown";
  const ref = typeof s.$ref === "string" ? s.$ref.match(/^#\/components\/schemas\/([A-Za-z_$][A-Za-z0-9_$]*)$/) : null;
  if (ref) return component(ref[1]);
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (Array.isArray(s.enum)) return s.enum.map((v) => JSON.stringify(v)).join(" | ");
  const types = typeof s.type === "string" ? [s.type] : Array.isArray(s.type) ? s.type : [];
  if (types.length === 0) return s.properties || s.required ? objectType(s, component, indent) : "unknown";
  return types
    .map((t) => {
      if (SCALARS[t]) return SCALARS[t];
      if (t === "array") {
        const item = typeOf(s.items, component, indent);
        return /^[A-Za-z0-9_$.]+$/.test(item) ? `${item}[]` : `(${item})[]`;
      }
      if (t === "object") return objectType(s, component, indent);
      return "unknown";
    })
    .join(" | ");
}

function objectType(s, component, indent, omit = []) {
  const required = new Set(Array.isArray(s.required) ? s.required : []);
  const names = [...new Set([...Object.keys(isObject(s.properties) ? s.properties : {}), ...required])].filter(
    (name) => !omit.includes(name),
  );
  if (names.length === 0) return "{}";
  const inner = `${indent}  `;
  const members = names.flatMap((name) => {
    const key = IDENT.test(name) ? name : JSON.stringify(name);
    const type = typeOf(s.properties?.[name], component, inner);
    // An optional `unknown` narrows nothing: left out, so the type reads as what it changes.
    if (type === "unknown" && !required.has(name)) return [];
    return [`${inner}${key}${required.has(name) ? "" : "?"}: ${type};\n`];
  });
  if (members.length === 0) return "{}";
  return `{\n${members.join("")}${indent}}`;
}

function isObject(v) {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
