import { describe, expect, it } from '@jest/globals';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

// Helm reads CRDs only from the chart's own crds/, so the chart keeps a copy of the generated
// files, which must not drift (crds/ itself is checked against src/api elsewhere). To bring it
// back in line: npm run build && node dist/cli/main.js gen-crds --dir helm/berth/crds

const ROOT = process.cwd();
const CHART = join(ROOT, 'helm', 'berth');

const read = (dir: string) => Object.fromEntries(readdirSync(dir).sort().map((name) => [name, readFileSync(join(dir, name), 'utf8')]));

describe('the Helm chart', () => {
  it('ships the same CRD files as crds/', () => {
    expect(read(join(CHART, 'crds'))).toEqual(read(join(ROOT, 'crds')));
  });

  it('has the version of the package as its appVersion', () => {
    const chart = parse(readFileSync(join(CHART, 'Chart.yaml'), 'utf8'));
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect({ apiVersion: chart.apiVersion, appVersion: chart.appVersion }).toEqual({ apiVersion: 'v2', appVersion: pkg.version });
  });
});
