import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

// The ECS API model of aws-models/ (botocore's), for the tests that hold Berth to it.

export interface ShapeRef {
  shape: string;
}

export interface Shape {
  type: string;
  members?: Record<string, ShapeRef>;
  member?: ShapeRef;
  value?: ShapeRef;
  enum?: string[];
  min?: number;
  max?: number;
  document?: boolean;
}

export const shapes = (
  JSON.parse(gunzipSync(readFileSync(join(process.cwd(), 'aws-models/ecs-2014-11-13/service-2.json.gz'))).toString('utf8')) as { shapes: Record<string, Shape> }
).shapes;

/** Paths in `value` that are no member of the model's shape `name` (what the ECS API would refuse). */
export function strangers(value: unknown, name: string, path = '$'): string[] {
  const shape = shapes[name];
  if (shape.type === 'list' && Array.isArray(value)) return value.flatMap((v, i) => strangers(v, shape.member!.shape, `${path}[${i}]`));
  if (shape.type !== 'structure' || shape.document || typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => {
    const member = shape.members?.[k];
    return member ? strangers(v, member.shape, `${path}.${k}`) : [`${path}.${k}`];
  });
}
