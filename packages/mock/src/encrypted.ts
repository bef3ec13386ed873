// BCC's adminPass travels AES-encrypted under the caller's secret access key (the spec's
// `x-bce-transform: encryptAdminPass`): the mock, which knows the key of a request it verified,
// decrypts it as the service must, so a client that encrypts with another key, another mode or
// padding, or a password the service's policy refuses, fails its contract test as it would fail
// against BCE.
import { createDecipheriv } from "node:crypto";
import { checkAdminPassPolicy } from "@bce-openapi/core";

/** The body paths (`["adminPass"]`) of the properties a request schema marks `x-bce-transform: encryptAdminPass`. */
export function encryptedFields(schema: unknown, at: readonly string[] = [], depth = 0): string[][] {
  if (depth > 8 || typeof schema !== "object" || schema === null) return [];
  const s = schema as { properties?: unknown; "x-bce-transform"?: unknown };
  if (s["x-bce-transform"] === "encryptAdminPass") return [[...at]];
  if (typeof s.properties !== "object" || s.properties === null) return [];
  return Object.entries(s.properties).flatMap(([name, property]) =>
    encryptedFields(property, [...at, name], depth + 1),
  );
}

const CIPHERTEXT = /^(?:[0-9a-f]{32})+$/;

/**
 * What is wrong with the encrypted fields of a request's body, decrypted with its signer's secret
 * key, or undefined: a ciphertext that does not decrypt (another key, mode or padding) to UTF-8,
 * or a password BCC's policy refuses (never quoted). A field that is no ciphertext is left to the
 * schema (which took it: empty or null, a key-pair rebuild's), and so is the ciphertext of the empty
 * string, which the Go SDK sends with a key pair. A key shorter than 16 characters encrypts nothing
 * (the clients and the Go SDK refuse it), nor one whose first 16 are not ASCII: not checked.
 */
export function undecryptable(body: unknown, fields: readonly string[][], secretAccessKey: string): string | undefined {
  // The AES key is the key's first 16 characters as bytes: a key whose are not 16 bytes (not ASCII)
  // encrypts nothing either.
  const key = Buffer.from(secretAccessKey.slice(0, 16), "utf8");
  if (key.length !== 16) return undefined;
  for (const path of fields) {
    let value: unknown = body;
    for (const name of path)
      value =
        typeof value === "object" && value !== null && Object.hasOwn(value, name)
          ? (value as Record<string, unknown>)[name]
          : undefined;
    if (typeof value !== "string" || !CIPHERTEXT.test(value)) continue;
    const field = `body.${path.join(".")}`;
    let password: string;
    try {
      const decipher = createDecipheriv("aes-128-ecb", key, null);
      const bytes = Buffer.concat([decipher.update(Buffer.from(value, "hex")), decipher.final()]);
      password = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      return `${field} does not decrypt with the request's secret access key: encrypt the password with AES-128 in ECB mode with PKCS#5 padding, keyed with the first 16 characters of the secret access key, and send it as lowercase hex`;
    }
    if (password === "") continue;
    try {
      checkAdminPassPolicy(password, field, "bcc");
    } catch (error) {
      return `${field}, decrypted: ${(error as Error).message.slice(field.length + 2)}`;
    }
  }
  return undefined;
}
