export { deriveKeys, type DerivedKeys } from './key-derivation.ts';
