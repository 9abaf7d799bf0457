/**
 * Trusted documents (persisted queries): the operations our clients send, known by their SHA-256
 * hash (gateway/trusted-documents.json, generated from the client contract by
 * `pnpm trusted-documents`). A client may send the hash instead of the text, in Apollo's APQ form
 * (`extensions.persistedQuery.sha256Hash`) or the GraphQL-over-HTTP form (`documentId`,
 * `sha256:<hash>` or the bare hash), by POST or by GET (so a CDN can cache catalog reads by URL).
 *
 * TRUSTED_DOCUMENTS:
 * - `off`: text only; a hash answers PERSISTED_QUERY_NOT_SUPPORTED.
 * - `allow`: known hashes and any text. Outside production, Apollo's automatic persisted queries
 *   too: a client may register its own document by sending hash and text once.
 * - `enforce`: anonymous and signed-in account traffic only by known document (by hash, or by
 *   text that is a known document); API keys and operators may still send any text, within their
 *   cost limits. Nothing is registered.
 */
import { isProduction, REPO_ROOT, setting } from '@marketplace/runtime';
import type { NextFunction, Request, Response } from 'express';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LRUCache } from 'lru-cache';

export const TRUSTED_DOCUMENTS_PATH = join(REPO_ROOT, 'gateway', 'trusted-documents.json');

export type TrustedDocumentsMode = 'off' | 'allow' | 'enforce';

export const trustedDocumentsMode = (): TrustedDocumentsMode => setting('TRUSTED_DOCUMENTS') ?? (isProduction() ? 'enforce' : 'allow');

/** Automatic persisted queries: registration only where nothing is enforced and never in production. */
const registersDocuments = () => trustedDocumentsMode() === 'allow' && !isProduction();

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

let manifest: Map<string, string> | undefined;
/** Hash → document, as checked in. */
export function trustedDocuments(): Map<string, string> {
  manifest ??= new Map(Object.entries(JSON.parse(readFileSync(TRUSTED_DOCUMENTS_PATH, 'utf8')) as Record<string, string>));
  return manifest;
}

/** Documents clients registered (APQ), per gateway process, development only. */
const registered = new LRUCache<string, string>({ max: 1000 });

/** What the gateway learned about a request's document before Apollo sees it. */
export interface DocumentOrigin {
  /** The document is one of the trusted documents (sent by hash, or text equal to one). */
  trusted: boolean;
}

function refuse(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
}

interface GraphQLParams {
  query?: unknown;
  documentId?: unknown;
  extensions?: { persistedQuery?: { sha256Hash?: unknown } } & Record<string, unknown>;
}

/**
 * Express middleware on `/graphql`, after the body parser: replaces a hash by its document (so
 * Apollo sees an ordinary request) and records whether the document is trusted.
 */
export function resolveTrustedDocument(req: Request, res: Response, next: NextFunction, remember: (origin: DocumentOrigin) => void): void {
  const isGet = req.method === 'GET';
  const url = isGet ? new URL(req.url, 'http://gateway') : undefined;
  let params: GraphQLParams;
  if (url) {
    let extensions: GraphQLParams['extensions'];
    try {
      extensions = url.searchParams.has('extensions') ? JSON.parse(url.searchParams.get('extensions')!) : undefined;
    } catch {
      return refuse(res, 400, 'BAD_REQUEST', '`extensions` must be JSON.');
    }
    params = { query: url.searchParams.get('query') ?? undefined, documentId: url.searchParams.get('documentId') ?? undefined, extensions };
  } else {
    params = (req.body && typeof req.body === 'object' ? req.body : {}) as GraphQLParams;
  }

  const idText = typeof params.documentId === 'string' ? params.documentId : params.extensions?.persistedQuery?.sha256Hash;
  const mode = trustedDocumentsMode();
  const query = typeof params.query === 'string' ? params.query : undefined;
  if (idText === undefined) {
    // Hashing every text only matters when it decides something.
    remember({ trusted: mode === 'enforce' && query !== undefined && trustedDocuments().has(sha256(query)) });
    return next();
  }
  if (mode === 'off') return refuse(res, 400, 'PERSISTED_QUERY_NOT_SUPPORTED', 'This server does not accept documents by hash.');
  const hash = typeof idText === 'string' ? idText.replace(/^sha256:/, '').toLowerCase() : '';

  let document: string | undefined;
  if (query !== undefined) {
    // APQ registration: the text with its hash.
    if (sha256(query) !== hash) return refuse(res, 400, 'BAD_REQUEST', 'The hash does not match the document.');
    if (registersDocuments()) registered.set(hash, query);
    document = query;
  } else {
    document = trustedDocuments().get(hash) ?? (registersDocuments() ? registered.get(hash) : undefined);
    // Apollo clients recognise the message and send the text next (when they may register it).
    if (document === undefined) return refuse(res, 200, 'PERSISTED_QUERY_NOT_FOUND', 'PersistedQueryNotFound');
  }
  remember({ trusted: trustedDocuments().has(hash) });

  // Hand Apollo the text as if it had been sent so; it has no persisted queries of its own.
  if (url) {
    url.searchParams.set('query', document);
    url.searchParams.delete('documentId');
    if (params.extensions) {
      const { persistedQuery: _, ...rest } = params.extensions;
      if (Object.keys(rest).length) url.searchParams.set('extensions', JSON.stringify(rest));
      else url.searchParams.delete('extensions');
    }
    req.url = `${url.pathname}${url.search}`;
  } else {
    const body = req.body as GraphQLParams;
    body.query = document;
    delete body.documentId;
    if (body.extensions) delete body.extensions.persistedQuery;
  }
  next();
}
