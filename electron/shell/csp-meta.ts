/**
 * A Vite plugin for the packaged desktop renderer: puts crashdeck's CSP into index.html as a
 * <meta> tag too. The crashdeck:// scheme handler already sends it as a header; the tag is a
 * second layer that still holds if the page is ever loaded some other way (e.g. opened from
 * disk while debugging a package).
 */
import type { Plugin } from 'vite';
import { crashdeckCsp } from '../serve/security-headers.ts';

/** The policy as a meta tag can carry it (browsers ignore frame-ancestors in meta). */
export function metaCsp(): string {
  return crashdeckCsp([])
    .split('; ')
    .filter((d) => !d.startsWith('frame-ancestors'))
    .join('; ');
}

/** Vite plugin injecting the CSP meta tag first in <head>, for production builds only. */
export function cspMetaPlugin(): Plugin {
  return {
    name: 'crashdeck-csp-meta',
    apply: 'build',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: metaCsp() }, injectTo: 'head-prepend' }],
  };
}
