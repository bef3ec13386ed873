// A small service whose request schemas use every keyword the checks compile, x-client-rules and
// an open enum among them, for the differential test beside the real bundles.
export const keywordsBundle = {
  openapi: "3.1.0",
  info: { title: "keywords", version: "1" },
  servers: [{ url: "https://example.test" }],
  paths: {
    "/things/{thingID}": {
      post: {
        operationId: "putThing",
        "x-bce-retry": "idempotency-token",
        "x-bce-idempotency-token": "token",
        parameters: [
          {
            name: "thingID",
            in: "path",
            required: true,
            schema: { type: "string", minLength: 2, maxLength: 8, pattern: "^[a-z0-9-]+$" },
          },
          { name: "token", in: "query", required: false, schema: { type: "string", maxLength: 10 } },
          { name: "mode", in: "query", required: true, schema: { type: "string", enum: ["fast", "slow"] } },
        ],
        requestBody: {
          required: true,
          content: { "application/json": { schema: { $ref: "#/components/schemas/Thing" } } },
        },
        responses: {
          "200": {
            description: "ok",
            content: { "application/json": { schema: { $ref: "#/components/schemas/Thing" } } },
          },
        },
      },
    },
  },
  components: {
    schemas: {
      Kind: {
        "x-bce-open-enum": true,
        anyOf: [
          { type: "string", enum: ["A", "B"] },
          { type: "string", minLength: 1 },
        ],
      },
      Secret: {
        // The service takes an empty string; the client must never send one.
        type: "string",
        maxLength: 12,
        "x-client-rules": {
          minLength: 4,
          not: { const: "password" },
          "x-not-message": "must not be the word password",
        },
      },
      Thing: {
        type: "object",
        required: ["name", "kind"],
        additionalProperties: false,
        properties: {
          name: { type: "string", minLength: 1, maxLength: 5 },
          kind: { $ref: "#/components/schemas/Kind" },
          secret: { $ref: "#/components/schemas/Secret" },
          count: { type: "integer", minimum: 0, maximum: 10 },
          ratio: { type: ["number", "null"], minimum: -1.5, maximum: 1.5 },
          tags: { type: "array", minItems: 1, maxItems: 3, items: { type: "string", enum: ["x", "y", { z: 1 }] } },
          ip: { type: "string", format: "ipv4" },
          when: { type: "string", format: "date-time" },
          "odd key": { const: { a: [1, 2] } },
          choice: {
            oneOf: [
              { type: "string", maxLength: 3 },
              { type: "string", pattern: "^a" },
            ],
          },
          labels: { type: "object", additionalProperties: { type: "string", maxLength: 2 } },
          flag: { type: "boolean" },
          // A pattern a RegExp writes differently (its source escapes "/"): the message shows the spec's.
          dir: { type: "string", pattern: "^/[a-z]+(?:/[a-z]+)*$" },
          // A pattern with a message of its own (x-pattern-message), as the spec gives `\\S`.
          named: { type: "string", pattern: "\\S", "x-pattern-message": "must not be blank" },
          // A format the checks do not assert (an annotation), and a name Object.prototype has too.
          pin: { type: "string", format: "password", maxLength: 6 },
          constructor: { type: "integer" },
          never: false,
          anything: true,
          // if/then/else whose branches are one-line checks used once: inlined, the then branch
          // must not take the else (a dangling else).
          sign: { if: { type: "number" }, then: { minimum: 0 }, else: { type: "string" } },
          // if with only an else, and with only a then: each branch taken on its own side of the if.
          level: { if: { type: "string" }, else: { minimum: 0 } },
          step: { if: { type: "number" }, then: { maximum: 5 } },
          // A check used once whose type check ends it early (`return`): not inlined, or its return
          // would skip the checks after it in the one that uses it (here the `not`).
          pair: { allOf: [{ type: "string", minLength: 3 }], not: { const: 7 } },
        },
        if: { properties: { flag: { const: true } }, required: ["flag"] },
        // A member only a branch asks for, with the words that say when (x-required-message).
        then: { required: ["count"], "x-required-message": "is required when flag is true" },
        else: { not: { required: ["ratio"] } },
        "x-client-rules": { not: { required: ["anything"] } },
      },
    },
  },
};
