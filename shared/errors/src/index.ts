export { errorCatalog, errorCodes, isErrorCode, type ErrorCode } from './error-catalog.ts';
export { AppError, isAppError, type AppErrorOptions, type FieldIssue } from './app-error.ts';
