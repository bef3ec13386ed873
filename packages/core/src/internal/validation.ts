/**
 * @bce-openapi/core/internal/validation: the JSON Schema interpreter, apart from the rest of the
 * plumbing so that a client's bundle holds it only where it checks answers (the generated
 * `responses` module, loaded by a dynamic import) and in tests, where it is the oracle of the
 * generated request checks.
 *
 * @internal Not part of the public API and not covered by semantic versioning.
 * @packageDocumentation
 */
export { checkAnswer, checkRequestPart } from "../checks.js";
export * from "../validation/index.js";
