import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'tools/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // Plain JavaScript files run under Node.
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    // Tests read arbitrary JSON back from the apiserver and assert on it field by field.
    files: ['test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Pure folders compute; they never talk to the cluster.
    files: ['src/api/**', 'src/render/**', 'src/placement/**', 'src/fargate/**', 'src/convert/**', 'src/ecs/**', 'src/pki/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['@kubernetes/client-node'], message: 'pure folders never import the Kubernetes client' },
          { group: ['**/runtime/**', '**/controllers/**', '**/local/**', '**/webhook/**'], message: 'pure folders import only pure folders' },
        ],
      }],
    },
  },
);
