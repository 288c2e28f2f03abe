// The Service conformance suite, once per proxy mode (root only; see testing/conformance.ts).
import { serviceConformanceSuite } from './testing/conformance.js';

serviceConformanceSuite('nftables');
serviceConformanceSuite('iptables');
serviceConformanceSuite('userspace');
