/**
 * The idle coordinator actions of a lifecycle-broadcast slice, derived from one table as the
 * registry actions are (`actions.ts`). Each row names an action after the event the slice answers
 * it with (`backendTracked`, `activityMarked`, `dueQuiesced`, `drainingMarked`, `quiescedMarked`,
 * `backendUntracked`), the `IdleAction` it stands for, and the codec of its payload: that
 * action's fields without `_tag`. `dueQuiesced` is the idle sweep: the slice collects the
 * backends due and quiesces exactly them with a targeted broadcast (`quiesceDue`).
 *
 * Nothing here imports Redux, and every action is plain, deeply frozen JSON.
 *
 * @since 0.2.0
 */
import type * as E from 'fp-ts/Either';
import type * as t from 'io-ts';

import { BackendKey } from '../domain/BackendKey';
import { Millis, closed, closedWith } from '../internal/codec';
import type { IdleAction, IdleActionTag } from '../idle';
import type { SliceAction, SliceActionCreator, TableRow } from './actions';
import { tableActions } from './actions';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

const BackendTrackedPayloadC = closedWith(
  'BackendTrackedPayload',
  { key: BackendKey, nowMs: Millis },
  { idleTimeoutMs: Millis },
);

/**
 * Payload of `backendTracked`: the fields of a `Track` action.
 *
 * @since 0.2.0
 */
export interface BackendTrackedPayload extends t.TypeOf<typeof BackendTrackedPayloadC> {}

/**
 * The codec of `BackendTrackedPayload`.
 *
 * @since 0.2.0
 */
export const BackendTrackedPayload: t.Type<BackendTrackedPayload, BackendTrackedPayload> = BackendTrackedPayloadC;

const ActivityMarkedPayloadC = closed('ActivityMarkedPayload', { key: BackendKey, nowMs: Millis });

/**
 * Payload of `activityMarked`: the fields of a `MarkActivity` action.
 *
 * @since 0.2.0
 */
export interface ActivityMarkedPayload extends t.TypeOf<typeof ActivityMarkedPayloadC> {}

/**
 * The codec of `ActivityMarkedPayload`.
 *
 * @since 0.2.0
 */
export const ActivityMarkedPayload: t.Type<ActivityMarkedPayload, ActivityMarkedPayload> = ActivityMarkedPayloadC;

const DueQuiescedPayloadC = closed('DueQuiescedPayload', { nowMs: Millis });

/**
 * Payload of `dueQuiesced`: the fields of a `CollectDue` action.
 *
 * @since 0.2.0
 */
export interface DueQuiescedPayload extends t.TypeOf<typeof DueQuiescedPayloadC> {}

/**
 * The codec of `DueQuiescedPayload`.
 *
 * @since 0.2.0
 */
export const DueQuiescedPayload: t.Type<DueQuiescedPayload, DueQuiescedPayload> = DueQuiescedPayloadC;

const KeyPayloadC = closed('IdleKeyPayload', { key: BackendKey });

/**
 * Payload of `drainingMarked`, `quiescedMarked` and `backendUntracked`: the key of the tracked
 * backend.
 *
 * @since 0.2.0
 */
export interface IdleKeyPayload extends t.TypeOf<typeof KeyPayloadC> {}

/**
 * The codec of `IdleKeyPayload`.
 *
 * @since 0.2.0
 */
export const IdleKeyPayload: t.Type<IdleKeyPayload, IdleKeyPayload> = KeyPayloadC;

// -------------------------------------------------------------------------------------
// the table
// -------------------------------------------------------------------------------------

type IdleActionOf<Tag extends IdleActionTag> = Extract<IdleAction, { readonly _tag: Tag }>;

/**
 * One row of `LifecycleBroadcastIdleActionTable`.
 *
 * @since 0.2.0
 */
export interface IdleActionRow<Tag extends IdleActionTag, Payload, Args extends ReadonlyArray<unknown>> {
  readonly tag: Tag;
  readonly payload: Payload;
  readonly args: Args;
}

/**
 * The idle coordinator actions of a slice, by name: the `IdleAction` each stands for, its
 * payload and the arguments of its creator.
 *
 * @since 0.2.0
 */
export interface LifecycleBroadcastIdleActionTable {
  readonly backendTracked: IdleActionRow<
    'Track',
    BackendTrackedPayload,
    [key: BackendKey, nowMs: number, idleTimeoutMs?: number]
  >;
  readonly activityMarked: IdleActionRow<'MarkActivity', ActivityMarkedPayload, [key: BackendKey, nowMs: number]>;
  readonly dueQuiesced: IdleActionRow<'CollectDue', DueQuiescedPayload, [nowMs: number]>;
  readonly drainingMarked: IdleActionRow<'MarkDraining', IdleKeyPayload, [key: BackendKey]>;
  readonly quiescedMarked: IdleActionRow<'MarkQuiesced', IdleKeyPayload, [key: BackendKey]>;
  readonly backendUntracked: IdleActionRow<'Remove', IdleKeyPayload, [key: BackendKey]>;
}

/**
 * The name of every idle coordinator action of a slice, which is also the last part of its type.
 *
 * @since 0.2.0
 */
export type LifecycleBroadcastIdleActionName = keyof LifecycleBroadcastIdleActionTable;

interface Row<Tag extends IdleActionTag, P, Args extends ReadonlyArray<unknown>> {
  readonly tag: Tag;
  readonly payload: t.Type<P, P>;
  readonly fields: (...args: Args) => P;
}

// `P extends Omit<...>`: a payload that lacked a field of its idle action would not compile.
const row = <Tag extends IdleActionTag, P extends Omit<IdleActionOf<Tag>, '_tag'>, Args extends ReadonlyArray<unknown>>(
  tag: Tag,
  payload: t.Type<P, P>,
  fields: (...args: Args) => P,
): Row<Tag, P, Args> => Object.freeze({ tag, payload, fields });

type RowOf<K extends LifecycleBroadcastIdleActionName> = Row<
  LifecycleBroadcastIdleActionTable[K]['tag'],
  LifecycleBroadcastIdleActionTable[K]['payload'],
  LifecycleBroadcastIdleActionTable[K]['args']
>;

const table: { readonly [K in LifecycleBroadcastIdleActionName]: RowOf<K> } = {
  backendTracked: row('Track', BackendTrackedPayload, (key: BackendKey, nowMs: number, idleTimeoutMs?: number) =>
    idleTimeoutMs === undefined ? { key, nowMs } : { key, nowMs, idleTimeoutMs },
  ),
  activityMarked: row('MarkActivity', ActivityMarkedPayload, (key: BackendKey, nowMs: number) => ({ key, nowMs })),
  dueQuiesced: row('CollectDue', DueQuiescedPayload, (nowMs: number) => ({ nowMs })),
  drainingMarked: row('MarkDraining', IdleKeyPayload, (key: BackendKey) => ({ key })),
  quiescedMarked: row('MarkQuiesced', IdleKeyPayload, (key: BackendKey) => ({ key })),
  backendUntracked: row('Remove', IdleKeyPayload, (key: BackendKey) => ({ key })),
};

/**
 * The idle coordinator action creators of a slice named `Name`: each builds actions of type
 * `${Name}/${action name}`.
 *
 * @since 0.2.0
 */
export type LifecycleBroadcastIdleActionCreators<Name extends string> = {
  readonly [K in LifecycleBroadcastIdleActionName]: SliceActionCreator<
    `${Name}/${K}`,
    LifecycleBroadcastIdleActionTable[K]['payload'],
    LifecycleBroadcastIdleActionTable[K]['args']
  >;
};

/**
 * Any idle coordinator action of the slice named `Name`.
 *
 * @since 0.2.0
 */
export type LifecycleBroadcastIdleAction<Name extends string = 'lifecycleBroadcast'> = {
  readonly [K in LifecycleBroadcastIdleActionName]: SliceAction<
    `${Name}/${K}`,
    LifecycleBroadcastIdleActionTable[K]['payload']
  >;
}[LifecycleBroadcastIdleActionName];

type AnyRow = TableRow<LifecycleBroadcastIdleActionName, IdleActionTag>;

const rows: ReadonlyArray<AnyRow> = Object.entries(table).map(
  ([name, r]) => ({ name, tag: r.tag, payload: r.payload, fields: r.fields }) as unknown as AnyRow,
);

// -------------------------------------------------------------------------------------
// the idle actions of one slice
// -------------------------------------------------------------------------------------

/**
 * A slice's idle coordinator actions: creators, guards, and the check of an action from outside.
 *
 * @internal
 */
export interface SliceIdleActions<Name extends string> {
  readonly creators: LifecycleBroadcastIdleActionCreators<Name>;
  readonly nameOf: (type: unknown) => LifecycleBroadcastIdleActionName | undefined;
  readonly isAction: (action: unknown) => action is LifecycleBroadcastIdleAction<Name>;
  readonly decodeIdleAction: (input: unknown) => E.Either<ReadonlyArray<string>, IdleAction>;
  readonly decodePayloadOf: (
    name: LifecycleBroadcastIdleActionName,
    input: unknown,
  ) => E.Either<ReadonlyArray<string>, IdleAction>;
}

/**
 * The idle coordinator actions of the slice named `name`, all from the table.
 *
 * @internal
 */
export const sliceIdleActions = <Name extends string>(name: Name): SliceIdleActions<Name> => {
  const actions = tableActions(name, rows, false);
  return Object.freeze({
    creators: actions.creators as unknown as LifecycleBroadcastIdleActionCreators<Name>,
    nameOf: actions.nameOf,
    isAction: actions.isAction as (action: unknown) => action is LifecycleBroadcastIdleAction<Name>,
    decodeIdleAction: actions.decode as (input: unknown) => E.Either<ReadonlyArray<string>, IdleAction>,
    decodePayloadOf: actions.decodePayloadOf as SliceIdleActions<Name>['decodePayloadOf'],
  });
};
