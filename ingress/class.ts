// Which Ingresses are ours. An Ingress names its class by spec.ingressClassName or the older
// `kubernetes.io/ingress.class` annotation; one without a class goes to the IngressClass marked
// `ingressclass.kubernetes.io/is-default-class: "true"`. Ingresses of other classes are not ours:
// we neither serve them nor touch their status.
import type { Ingress, IngressClass } from '../api/types.js';

export const CONTROLLER_NAME = 'podnet.dev/ingress';
export const CLASS_ANNOTATION = 'kubernetes.io/ingress.class';
export const DEFAULT_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';

export function classOf(ing: Ingress): string | undefined {
  return ing.spec?.ingressClassName ?? ing.metadata?.annotations?.[CLASS_ANNOTATION];
}

/**
 * Builds the ownership test. With `className` (--class) only that class is ours; without it,
 * every IngressClass whose controller is podnet.dev/ingress is. Class-less Ingresses are ours
 * when the default IngressClass is ours, or when no IngressClass is marked default at all
 * (a plain manifest file without IngressClasses still works).
 */
export function ownership(classes: readonly IngressClass[], className?: string): (ing: Ingress) => boolean {
  const ours = new Set<string>();
  for (const c of classes) {
    const name = c.metadata?.name ?? '';
    if (className !== undefined ? name === className : c.spec?.controller === CONTROLLER_NAME) ours.add(name);
  }
  if (className !== undefined) ours.add(className);
  const defaults = classes.filter((c) => c.metadata?.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true');
  const classlessOurs = defaults.length === 0 || defaults.some((c) => ours.has(c.metadata?.name ?? '') && (className !== undefined || c.spec?.controller === CONTROLLER_NAME));
  return (ing) => {
    const cls = classOf(ing);
    return cls === undefined || cls === '' ? classlessOurs : ours.has(cls);
  };
}
