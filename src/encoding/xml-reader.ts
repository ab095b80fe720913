import { createRequire } from 'node:module';
import type xml2jsModule from 'xml2js';
import { childPointer } from '../contract/json-pointer.js';
import { EncodingError } from './encoding-error.js';
import type { Shape } from './schema-shape.js';
import { XML_NAMESPACE } from './xml-writer.js';

/**
 * XML read back to JSON by the rules of xml-encoding.md, restoring types from the schema
 * shape: an array property is an array even with one `muc`, an integer or number property
 * whose text is a plain decimal is a number. Text that is not a plain decimal stays a string,
 * so the schema check that follows reports it at its exact path (the contract: "then
 * validates the result with the JSON schema") rather than the whole payload failing here.
 */

/** The only values whose leading and trailing white space is data (xml-encoding.md). */
const KEEPS_WHITESPACE = new Set(['thongTin', 'chiTiet', 'lyDo']);
const PLAIN_DECIMAL = /^-?[0-9]+(\.[0-9]+)?$/;
const ATTRS = '$';
const TEXT = '_';

/** xml2js's tree with `explicitArray`: text, or children by name, each a list. */
type XmlNode = string | { [key: string]: unknown };

// xml2js (CommonJS) is loaded with the first XML payload read, not with every command that
// may read one: a JSON deployment never does.
const require = createRequire(import.meta.url);
let xml2js: typeof xml2jsModule | undefined;

function parse(text: string): Record<string, XmlNode> {
  xml2js ??= require('xml2js') as typeof xml2jsModule;
  const parser = new xml2js.Parser({
    explicitArray: true,
    explicitRoot: true,
    trim: false,
    normalize: false,
    emptyTag: '',
    attrkey: ATTRS,
    charkey: TEXT,
    async: false,
  });
  let result: unknown;
  let failure: unknown;
  // With async: false xml2js calls back before parseString returns.
  parser.parseString(text, (err: unknown, res: unknown) => {
    failure ??= err ?? undefined;
    result ??= res;
  });
  if (failure !== undefined || typeof result !== 'object' || result === null) {
    const reason = failure instanceof Error ? failure.message.replace(/\s+/g, ' ').trim() : 'no document element';
    throw new EncodingError('encoding.xml_invalid', `payload is not well-formed XML: ${reason}`, { cause: failure });
  }
  return result as Record<string, XmlNode>;
}

/** Attributes are not used; an `xmlns` restating the contract's namespace is harmless. */
function checkAttributes(node: XmlNode, path: string): void {
  if (typeof node === 'string' || node[ATTRS] === undefined) return;
  for (const [name, value] of Object.entries(node[ATTRS] as Record<string, string>)) {
    if (name === 'xmlns' && value === XML_NAMESPACE) continue;
    if (name === 'xmlns' || name.startsWith('xmlns:')) {
      throw new EncodingError('encoding.unknown_element', `element declares namespace ${value}: only ${XML_NAMESPACE} is used`, { path });
    }
    throw new EncodingError('encoding.xml_invalid', `attribute '${name}' is not allowed: the encoding uses no attributes`, { path });
  }
}

function textOf(node: XmlNode, path: string): string {
  if (typeof node === 'string') return node;
  for (const key in node) {
    if (key !== ATTRS && key !== TEXT) throw new EncodingError('encoding.xml_invalid', `expected text, found element <${key}>`, { path });
  }
  const text = node[TEXT];
  return typeof text === 'string' ? text : '';
}

/** The child elements of an object or array element (white space between them is layout). */
function childrenOf(node: XmlNode, path: string): [string, unknown[]][] {
  if (typeof node === 'string') {
    if (node.trim() !== '') throw new EncodingError('encoding.xml_invalid', 'expected child elements, found text', { path });
    return [];
  }
  if (typeof node[TEXT] === 'string') throw new EncodingError('encoding.xml_invalid', 'text mixed with child elements', { path });
  const children: [string, unknown[]][] = [];
  for (const key in node) if (key !== ATTRS && key !== TEXT) children.push([key, node[key] as unknown[]]);
  return children;
}

function toValue(node: XmlNode, shape: Shape, path: string, name: string): unknown {
  checkAttributes(node, path);
  switch (shape.kind) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [child, list] of childrenOf(node, path)) {
        const at = childPointer(path, child);
        const childShape = shape.props.get(child);
        if (!childShape) throw new EncodingError('encoding.unknown_element', `element <${child}> is not in the schema`, { path: at });
        if (list.length !== 1) throw new EncodingError('encoding.xml_invalid', `element <${child}> appears ${list.length} times`, { path: at });
        out[child] = toValue(list[0] as XmlNode, childShape, at, child);
      }
      return out;
    }
    case 'array': {
      const items: unknown[] = [];
      for (const [child, list] of childrenOf(node, path)) {
        if (child !== 'muc') {
          throw new EncodingError('encoding.unknown_element', `element <${child}> in an array: expected <muc>`, { path: childPointer(path, child) });
        }
        for (const item of list) items.push(toValue(item as XmlNode, shape.items, childPointer(path, items.length), 'muc'));
      }
      return items;
    }
    case 'number':
    case 'integer': {
      const text = textOf(node, path).trim();
      return PLAIN_DECIMAL.test(text) ? Number(text) : text;
    }
    case 'boolean': {
      const text = textOf(node, path).trim();
      return text === 'true' ? true : text === 'false' ? false : text;
    }
    case 'string': {
      const text = textOf(node, path);
      return KEEPS_WHITESPACE.has(name) ? text : text.trim();
    }
  }
}

export function readXml(rootName: string, shape: Shape, text: string): unknown {
  const doc = parse(text);
  const [name, ...others] = Object.keys(doc);
  if (name !== rootName || others.length > 0) {
    throw new EncodingError('encoding.xml_invalid', `root element is <${name ?? ''}>: expected <${rootName}>`, { path: '' });
  }
  const root = doc[name] as XmlNode;
  const attrs = typeof root === 'string' ? undefined : (root[ATTRS] as Record<string, string> | undefined);
  if (attrs?.xmlns !== XML_NAMESPACE) {
    throw new EncodingError('encoding.xml_invalid', `root element <${rootName}> must declare the default namespace ${XML_NAMESPACE}`, { path: '' });
  }
  return toValue(root, shape, '', rootName);
}
