/**
 * The password policy as the hub enforces it (contracts `Password`: 12 to 256 characters, and
 * not containing the email's local part), in words shown before anyone types.
 */
export const passwordMinLength = 12;
export const passwordMaxLength = 256;
export const passwordPolicy = `At least ${passwordMinLength} characters. Length matters more than symbols: a few unrelated words work well. It must not contain the part of your email before the @.`;
