export {
  encryptAdminPass,
  checkAdminPassPolicy,
  adminPassPolicyViolation,
  type AdminPassService,
} from "./admin-pass.js";
export { encodeUserData, decodeUserData } from "./user-data.js";
export { PasswordPolicyError, type AdminPassRule } from "./errors.js";
