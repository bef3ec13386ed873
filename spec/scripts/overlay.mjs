// Apply an OpenAPI Overlay 1.0 document (https://spec.openapis.org/overlay/v1.0.0) to a bundled
// spec, strictly: a target that selects nothing, or an update that would create a nested object
// the target lacks (a misspelt property or enum value), is an error instead of a silent no-op,
// so translations cannot drift from the spec they translate.
//
// Supported: `update` (objects merged recursively; strings, numbers and booleans replaced) and
// `remove: true`. Targets use a JSONPath subset: `$`, `.name`, `['name']`, `[0]` and
// `[?(@.key=='value')]`.

const segmentPattern =
  /^(?:\.([A-Za-z_$][\w$-]*)|\['((?:[^'\\]|\\.)*)'\]|\[(\d+)\]|\[\?\(@\.([A-Za-z_$][\w$-]*)\s*==\s*'((?:[^'\\]|\\.)*)'\)\])/;

/** Parse a target into segments: { key } | { index } | { filter: [key, value] }. */
export function parseTarget(target) {
  if (!target.startsWith("$")) throw new Error(`overlay target must start with $: ${target}`);
  const segments = [];
  let rest = target.slice(1);
  while (rest.length > 0) {
    const m = segmentPattern.exec(rest);
    if (!m) throw new Error(`unsupported JSONPath in overlay target ${target} at "${rest}"`);
    if (m[1] !== undefined) segments.push({ key: m[1] });
    else if (m[2] !== undefined) segments.push({ key: m[2].replace(/\\(.)/g, "$1") });
    else if (m[3] !== undefined) segments.push({ index: Number(m[3]) });
    else segments.push({ filter: [m[4], m[5].replace(/\\(.)/g, "$1")] });
    rest = rest.slice(m[0].length);
  }
  return segments;
}

/** Every { parent, key, node } the target selects. */
function select(doc, target) {
  let matches = [{ parent: null, key: null, node: doc }];
  for (const segment of parseTarget(target)) {
    const next = [];
    for (const { node } of matches) {
      if (node === null || typeof node !== "object") continue;
      if ("key" in segment) {
        if (!Array.isArray(node) && Object.hasOwn(node, segment.key))
          next.push({ parent: node, key: segment.key, node: node[segment.key] });
      } else if ("index" in segment) {
        if (Array.isArray(node) && segment.index < node.length)
          next.push({ parent: node, key: segment.index, node: node[segment.index] });
      } else {
        const [field, value] = segment.filter;
        const items = Array.isArray(node) ? node.map((item, i) => [i, item]) : Object.entries(node);
        for (const [key, item] of items)
          if (item && typeof item === "object" && item[field] === value) next.push({ parent: node, key, node: item });
      }
    }
    matches = next;
  }
  return matches;
}

const isObject = (value) => value !== null && typeof value === "object" && !Array.isArray(value);

function merge(node, update, where) {
  for (const [key, value] of Object.entries(update)) {
    if (isObject(value)) {
      if (!isObject(node[key])) throw new Error(`overlay: ${where} has no object "${key}" to update`);
      merge(node[key], value, `${where}.${key}`);
    } else if (Array.isArray(value)) {
      throw new Error(`overlay: ${where}.${key}: arrays are not supported in updates; target the array item instead`);
    } else {
      node[key] = value;
    }
  }
}

/** Apply `overlay` to `doc` in place and return it. */
export function applyOverlay(doc, overlay) {
  if (typeof overlay?.overlay !== "string" || !overlay.overlay.startsWith("1."))
    throw new Error("not an Overlay 1.x document");
  for (const [i, action] of (overlay.actions ?? []).entries()) {
    const matches = select(doc, action.target);
    if (matches.length === 0) throw new Error(`overlay action ${i}: target ${action.target} selects nothing`);
    // Removals run last-first, so array indices of the remaining matches stay valid.
    for (const { parent, key, node } of action.remove === true ? matches.reverse() : matches) {
      if (action.remove === true) {
        if (Array.isArray(parent)) parent.splice(key, 1);
        else delete parent[key];
      } else if (isObject(action.update)) {
        if (!isObject(node)) throw new Error(`overlay action ${i}: target ${action.target} is not an object`);
        merge(node, action.update, action.target);
      } else {
        throw new Error(`overlay action ${i}: needs an update object or remove: true`);
      }
    }
  }
  return doc;
}

/**
 * Each text an overlay replaces, with the text it replaces (the English), as [where, english]:
 * `where` is the action's target and the key path of the text within it. What a translation was
 * made from: its English changed, the translation is stale.
 */
export function replacedTexts(doc, overlay) {
  const texts = [];
  const walk = (node, update, where) => {
    for (const [key, value] of Object.entries(update)) {
      if (isObject(value)) walk(node?.[key], value, `${where}.${key}`);
      else if (typeof value === "string") texts.push([`${where}.${key}`, String(node?.[key] ?? "")]);
    }
  };
  for (const action of overlay.actions ?? [])
    if (isObject(action.update))
      for (const [i, { node }] of select(doc, action.target).entries())
        walk(node, action.update, i === 0 ? action.target : `${action.target}#${i}`);
  return texts;
}
