/**
 * A small JSON Schema (2020-12) checker for the keywords the config's schema uses: enough to see
 * what an editor would flag. ajv is not a dependency, and one was not added for a test.
 */
export type Schema = boolean | { readonly [keyword: string]: unknown };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const typeOf = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;

function typeMatches(value: unknown, type: unknown): boolean {
  if (Array.isArray(type)) return type.some((one) => typeMatches(value, one));
  if (type === 'integer') return Number.isInteger(value);
  return typeOf(value) === type;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

const schemaAt = (value: unknown): Schema => (typeof value === 'boolean' || isObject(value) ? value : true);

/** The problems of `value` against `schema`, each as `path: what`. Empty when it is valid. */
export function jsonSchemaErrors(
  schema: Schema,
  value: unknown,
  path = '(root)',
  root: Schema = schema,
): string[] {
  if (schema === true) return [];
  if (schema === false) return [`${path}: not allowed`];
  const errors: string[] = [];
  const fail = (message: string) => errors.push(`${path}: ${message}`);
  const check = (part: unknown, item: unknown, at: string) =>
    jsonSchemaErrors(schemaAt(part), item, at, root);
  // Only local references (#/$defs/name) are used.
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.replace('#/$defs/', '');
    const defs = isObject(root) && isObject(root.$defs) ? root.$defs : {};
    errors.push(...check(defs[name] ?? false, value, path));
  }
  if (schema.type !== undefined && !typeMatches(value, schema.type)) fail(`expected ${String(schema.type)}`);
  if (Array.isArray(schema.enum) && !schema.enum.some((option) => same(option, value)))
    fail(`${JSON.stringify(value)} is not one of the ${schema.enum.length} allowed values`);
  if ('const' in schema && !same(schema.const, value)) fail(`expected ${JSON.stringify(schema.const)}`);
  if (typeof value === 'string') {
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value))
      fail(`does not match ${schema.pattern}`);
    if (typeof schema.minLength === 'number' && [...value].length < schema.minLength) fail('too short');
    if (typeof schema.maxLength === 'number' && [...value].length > schema.maxLength) fail('too long');
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) fail(`below ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) fail(`above ${schema.maximum}`);
    if (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum) fail('too small');
    if (typeof schema.exclusiveMaximum === 'number' && value >= schema.exclusiveMaximum) fail('too large');
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) fail('too few items');
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) fail('too many items');
    if (schema.items !== undefined)
      value.forEach((item, index) => {
        errors.push(...check(schema.items, item, `${path}.${index}`));
      });
  }
  if (isObject(value)) {
    const properties = isObject(schema.properties) ? schema.properties : {};
    if (Array.isArray(schema.required))
      for (const key of schema.required) if (typeof key === 'string' && !(key in value)) fail(`needs ${key}`);
    for (const [key, item] of Object.entries(value)) {
      if (key in properties) errors.push(...check(properties[key], item, `${path}.${key}`));
      else if (schema.additionalProperties !== undefined)
        errors.push(...check(schema.additionalProperties, item, `${path}.${key}`));
      if (schema.propertyNames !== undefined)
        errors.push(...check(schema.propertyNames, key, `${path}.${key} (name)`));
    }
  }
  if (Array.isArray(schema.allOf)) for (const part of schema.allOf) errors.push(...check(part, value, path));
  if (Array.isArray(schema.anyOf) && !schema.anyOf.some((part) => check(part, value, path).length === 0))
    fail(`matches none of: ${schema.anyOf.map((part) => check(part, value, path).join(' / ')).join(' | ')}`);
  if (
    Array.isArray(schema.oneOf) &&
    schema.oneOf.filter((part) => check(part, value, path).length === 0).length !== 1
  )
    fail('matches not exactly one alternative');
  return errors;
}

/** Every field (property) of the schema without a description, as a dotted path. */
export function undescribedFields(schema: Schema, path = ''): string[] {
  if (!isObject(schema)) return [];
  const found: string[] = [];
  const described = (node: unknown): boolean =>
    isObject(node) &&
    (typeof node.description === 'string' ||
      (Array.isArray(node.anyOf) && node.anyOf.some(described)) ||
      (Array.isArray(node.allOf) && node.allOf.some(described)));
  if (isObject(schema.properties))
    for (const [key, node] of Object.entries(schema.properties)) {
      if (key === '$schema') continue;
      if (!described(node)) found.push(`${path}${key}`);
      found.push(...undescribedFields(schemaAt(node), `${path}${key}.`));
    }
  if (schema.items !== undefined) found.push(...undescribedFields(schemaAt(schema.items), `${path}[].`));
  for (const keyword of ['anyOf', 'allOf', 'oneOf'])
    for (const part of Array.isArray(schema[keyword]) ? schema[keyword] : [])
      found.push(...undescribedFields(schemaAt(part), path));
  if (isObject(schema.additionalProperties))
    found.push(...undescribedFields(schema.additionalProperties, `${path}*.`));
  return [...new Set(found)];
}
