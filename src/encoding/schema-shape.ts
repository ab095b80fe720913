import type { NationalContract } from '../contract/national-contract.js';
import { ContractError } from '../contract/contract-error.js';

/**
 * The part of a JSON schema an encoding needs: which properties an object has, which
 * values are arrays, which are numbers. XML text carries no types, so a reader restores
 * them from here (xml-encoding.md: "A reader restores the JSON types from the schema").
 */
export type Shape =
  | { kind: 'object'; props: ReadonlyMap<string, Shape> }
  | { kind: 'array'; items: Shape }
  | { kind: 'number' | 'integer' | 'string' | 'boolean' };

type SchemaNode = Record<string, unknown>;

function isNode(v: unknown): v is SchemaNode {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Scalar kind of an untyped `enum` / `const` node, from its values (strings here). */
function kindOfValues(values: unknown[]): 'number' | 'string' | 'boolean' {
  if (values.length > 0 && values.every((v) => typeof v === 'number')) return 'number';
  if (values.length > 0 && values.every((v) => typeof v === 'boolean')) return 'boolean';
  return 'string';
}

/**
 * Builds the shape of `schema`, following `$ref`s between the contract's schemas (by `$id`,
 * resolved against the referring schema's `$id`, as packet.schema.json refers to
 * official.schema.json).
 */
export function shapeOfSchema(schema: SchemaNode, contract: NationalContract): Shape {
  const byId = new Map<string, SchemaNode>();
  for (const s of Object.values(contract.schemas)) if (typeof s.$id === 'string') byId.set(s.$id, s);

  const build = (node: SchemaNode, baseId: string): Shape => {
    if (typeof node.$id === 'string') baseId = node.$id;
    if (typeof node.$ref === 'string') {
      const target = byId.get(new URL(node.$ref, baseId).href);
      if (!target) throw new ContractError('contract.schema_invalid', `schema reference ${node.$ref} is not a contract schema`);
      return build(target, baseId);
    }
    const type = node.type;
    if (type === 'object' || (type === undefined && isNode(node.properties))) {
      const props = new Map<string, Shape>();
      if (isNode(node.properties)) {
        for (const [name, child] of Object.entries(node.properties)) if (isNode(child)) props.set(name, build(child, baseId));
      }
      return { kind: 'object', props };
    }
    if (type === 'array') return { kind: 'array', items: isNode(node.items) ? build(node.items, baseId) : { kind: 'string' } };
    if (type === 'number' || type === 'integer' || type === 'string' || type === 'boolean') return { kind: type };
    if (Array.isArray(node.enum)) return { kind: kindOfValues(node.enum) };
    if ('const' in node) return { kind: kindOfValues([node.const]) };
    throw new ContractError('contract.schema_invalid', `schema node of type ${JSON.stringify(type)} has no encoding`);
  };
  return build(schema, typeof schema.$id === 'string' ? schema.$id : 'urn:contract:');
}
