import { Document, isScalar, visit } from 'yaml';

const MERGE_TAG = 'tag:yaml.org,2002:merge';

/**
 * Deterministic YAML: YAML 1.1 (so `on`, `yes`, `0123` stay quoted for YAML 1.1 readers such as
 * kustomize and Argo CD), no line folding, keys in the order the object has them (cdk8s sorts them).
 * A key spelled `<<` is written quoted: plain, a YAML 1.1 reader takes it for a merge key (the `yaml`
 * library's 1.1 schema writes it plain through its merge tag, so that tag is left out when writing).
 */
export function toYaml(value: unknown): string {
  const doc = new Document(value, {
    version: '1.1',
    aliasDuplicateObjects: false,
    customTags: (tags) => tags.filter((tag) => typeof tag === 'string' || tag.tag !== MERGE_TAG),
  });
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.value === '<<') pair.key.type = 'QUOTE_DOUBLE';
    },
  });
  return doc.toString({ lineWidth: 0, minContentWidth: 0, indentSeq: true });
}
