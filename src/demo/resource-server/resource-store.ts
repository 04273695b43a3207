/**
 * The demo Resource Server's data: a few resources per owner. It is the demo's own table, not
 * part of the authorization server's Store, so that the product store (and every backend of it)
 * knows nothing about the demo.
 */

/** Who owns a resource: a user (a token's `sub` when it acts for a user) or a client acting for itself. */
export type OwnerKind = 'user' | 'client';

export interface DemoResource {
  id: string;
  ownerKind: OwnerKind;
  /** The user's id or the client's client_id: the `sub` of the tokens that may read it. */
  ownerId: string;
  title: string;
  /** The client that added it; `seed` for the demo's initial data. */
  createdBy: string;
  createdAt: number;
}

export interface DemoResourceStore {
  list(ownerKind: OwnerKind, ownerId: string): Promise<DemoResource[]>;
  add(resource: DemoResource): Promise<void>;
  count(ownerKind: OwnerKind, ownerId: string): Promise<number>;
  close(): Promise<void>;
}
