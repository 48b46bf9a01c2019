import type { ObjectTypeRef } from '../live/object-type.js';
import type { SourceListing } from './live-source.js';

/** The annotation the APIcast operator writes on each APIcast it reconciled (seed chapter 2: "0.13.x" after 2.16). */
export const APICAST_OPERATOR_VERSION = 'apicast.apps.3scale.net/operator-version';
/** The APIcast operator release of 3scale 2.16 (seed chapter 2). */
export const APICAST_OPERATOR_2_16 = '0.13';

/** What the APIcast objects say about the operator that reconciled them (plans that move the APIcast operator). */
export interface ApicastStatus {
  /** Where they were listed: the namespace of the APIcast operator's Subscription. */
  readonly namespace: string;
  /** Each APIcast with its `apicast.apps.3scale.net/operator-version` annotation (null when absent). */
  readonly apicasts: readonly { readonly name: string; readonly operatorVersion: string | null }[];
}

/** The APIcast objects of a listing and their operator-version annotation; null when they could not be listed. */
export function apicastStatus(ref: ObjectTypeRef, listing: SourceListing | undefined): ApicastStatus | null {
  if (!listing?.ok) return null;
  const apicasts = listing.items
    .map((o) => ({ name: o.metadata.name, operatorVersion: o.metadata.annotations?.[APICAST_OPERATOR_VERSION] ?? null }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { namespace: ref.namespace ?? '', apicasts };
}

/** Whether an operator-version annotation is the 2.16 release's (0.13.x). */
export function isApicast216(operatorVersion: string | null): boolean {
  return operatorVersion !== null && (operatorVersion === APICAST_OPERATOR_2_16 || operatorVersion.startsWith(`${APICAST_OPERATOR_2_16}.`));
}
