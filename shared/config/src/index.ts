export { loadConfig, type AppConfig, type LogLevel } from './app-config.ts';
export { envVariables, type EnvVariable, type EnvVariableName } from './env-variables.ts';
