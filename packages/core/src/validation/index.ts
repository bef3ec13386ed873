export {
  validateSchema,
  unsupportedKeywords,
  MAX_DEPTH,
  type JsonSchema,
  type SchemaIssue,
  type ValidateSchemaOptions,
} from "./schema.js";
