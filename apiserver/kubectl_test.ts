import { MemoryStorage } from '../storage/memory.js';
import { kubectlSuite } from './kubectl_suite.js';

kubectlSuite('memory storage', () => new MemoryStorage());
