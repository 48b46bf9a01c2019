import { Construct } from 'constructs';
import { Subscription, SubscriptionSpecInstallPlanApproval } from '../../imports/olm-operators.coreos.com.js';
import type { OperatorSubscription } from '../../src/plan/plan-facts.js';
import { partialAnnotations } from './metadata.js';

/** Props of {@link SubscriptionOverlay}. */
export interface SubscriptionOverlayProps {
  /** The Subscription as the plan records it (discovered from the live one). */
  readonly subscription: OperatorSubscription;
  /** The channel this phase wants. */
  readonly channel: string;
  /** Phase that sets it (recorded in an annotation). */
  readonly phaseId: string;
}

/**
 * A partial OLM Subscription carrying the channel, plus the fields that identify what it subscribes to
 * (package, catalog source and its namespace) and the approval mode, all as found live. Applied with
 * server-side apply it changes the channel and nothing else; it is never pruned or deleted (deleting a
 * Subscription would leave the operator without updates). Replaces the seed's channel edit in the console.
 */
export class SubscriptionOverlay extends Construct {
  public constructor(scope: Construct, id: string, props: SubscriptionOverlayProps) {
    super(scope, id);
    const s = props.subscription;
    new Subscription(this, 'Resource', {
      metadata: { name: s.name, namespace: s.namespace, annotations: partialAnnotations(props.phaseId) },
      spec: {
        name: s.package,
        source: s.source,
        sourceNamespace: s.sourceNamespace,
        channel: props.channel,
        ...(s.installPlanApproval ? { installPlanApproval: approval(s.installPlanApproval) } : {}),
      },
    });
  }
}

function approval(value: 'Automatic' | 'Manual'): SubscriptionSpecInstallPlanApproval {
  return value === 'Manual' ? SubscriptionSpecInstallPlanApproval.MANUAL : SubscriptionSpecInstallPlanApproval.AUTOMATIC;
}
