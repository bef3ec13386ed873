/**
 * @bce-openapi/core/internal/formats: the `format` checks the schema interpreter asserts, each on
 * its own, for the generated request checks. A client imports the ones its spec uses, so the
 * others stay out of its bundle (as they would not if this module were part of
 * @bce-openapi/core/internal, which every client imports).
 *
 * @internal Not part of the public API and not covered by semantic versioning.
 * @packageDocumentation
 */
export * from "../validation/formats.js";
