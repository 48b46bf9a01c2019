import { externalizeOnCluster } from '../procedures/externalize-on-cluster/externalize-on-cluster.js';
import { freshInstall } from '../procedures/fresh-install/fresh-install.js';
import type { Procedure } from './phase.js';
import { templateUpgrade } from '../procedures/template-2.5-to-2.6/template-upgrade.js';

/**
 * The procedures the tool ships, in the order `discover` and the messages list them (the first that offers
 * discovery is `discover`'s default). Each is one registry entry; the engine reads them only through it.
 */
export const BUILT_IN_PROCEDURES: readonly Procedure[] = [externalizeOnCluster, freshInstall, templateUpgrade];
