export { deriveKeys, telegramWebhookSecret, verifyTelegramWebhookSecret, verifyWebchatIdentity, webchatIdentitySecret, type DerivedKeys } from './key-derivation.ts';
export { hashPassword, verifyPassword, passwordNeedsRehash } from './password-hasher.ts';
export { checkPasswordPolicy } from './password-policy.ts';
export { createAccessTokens, type AccessClaims, type AccessTokenOptions, type AccessTokens } from './access-token.ts';
export { API_KEY_PREFIX, hashToken, newApiKey, newOpaqueToken, safeEqual } from './opaque-token.ts';
export {
  hashRecoveryCode,
  newRecoveryCodes,
  newTotpSecret,
  totpQrDataUrl,
  totpUri,
  verifyTotp,
  type TotpVerification,
} from './totp.ts';
export { createSecretBox, type SecretBox } from './secret-box.ts';
export { readWidgetFileToken, signWidgetFileToken, type WidgetFileClaims, type WidgetFileTokenCheck } from './widget-file-token.ts';
export { csrfMatches, newCsrfToken } from './csrf.ts';
