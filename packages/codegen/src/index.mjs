export { generateClient, OUTPUT_FILES } from "./generate.mjs";
export { CheckCompiler } from "./checks.mjs";
export { argumentName, readOperations, selfContained, stripAnnotations } from "./model.mjs";
export { generateRequestTypes, generateTypes, openEnumParts } from "./types.mjs";
