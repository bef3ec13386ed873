export {
  validateSchema,
  unsupportedKeywords,
  MAX_DEPTH,
  INTERPRETED_KEYWORDS,
  ANNOTATION_KEYWORDS,
  notMessage,
  requiredMessage,
  type JsonSchema,
  type SchemaIssue,
  type ValidateSchemaOptions,
} from "./schema.js";
export { responseProblems } from "./responses.js";
