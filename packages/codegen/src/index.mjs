export { generateClient } from "./generate.mjs";
export { CheckCompiler } from "./checks.mjs";
export { argumentName, readOperations, selfContained, stripAnnotations } from "./model.mjs";
export { generateTypes, openEnumParts } from "./types.mjs";
