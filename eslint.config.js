// ESLint with typescript-eslint's type-aware rules (the compiler's own types): floating and
// misused promises, unused code. Formatting is Prettier's (.prettierrc.json), not ESLint's.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.js'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // zx's tagged templates run a command as a statement
      '@typescript-eslint/no-unused-expressions': ['error', { allowTaggedTemplates: true }],
      // the compiler knows every global of Node (@types/node); ESLint's list would be a second one
      'no-undef': 'off',
      // tests match output byte for byte: "  - host packages" is clearer than " {2}- host packages"
      'no-regex-spaces': 'off',
      // control characters are what the definition's checks refuse
      'no-control-regex': 'off',
    },
  },
);
