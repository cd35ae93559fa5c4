/** `html` tagged templates build Preact elements in the browser with no JSX build step (htm). */
import { h, type VNode } from 'preact';
import htm from 'htm';

export const html = htm.bind(h) as unknown as (strings: TemplateStringsArray, ...values: unknown[]) => VNode;
