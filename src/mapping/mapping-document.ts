/** One file of a mapping folder as read (mapping-loader.ts), before it is merged and compiled. */
export interface MappingDocument {
  file: string;
  json: unknown;
  /** The province's overlay (mapping-overlay.ts), applied over the other documents. */
  overlay?: boolean;
}
