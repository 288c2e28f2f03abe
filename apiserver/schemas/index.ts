// Loads every schema module; import this (not the modules) to get the complete registry.
import './meta.js';
import './service.js';
import './pod.js';
import './core.js';
import './apps.js';
import './discovery.js';
import './networking.js';
import './gateway.js';

export { allSchemas, closure } from './dsl.js';
