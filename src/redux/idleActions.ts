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
import * as E from 'fp-ts/Either';
import type * as t from 'io-ts';

import { BackendKey } from '../domain/BackendKey';
import { Millis, closed, closedWith, decode, show } from '../internal/codec';
import { deepFreeze } from '../internal/deepFreeze';
import { isRecord } from '../internal/isRecord';
import type { IdleAction, IdleActionTag } from '../registry/IdleCoordinator';
import type { SliceAction, SliceActionCreator } from './actions';
import { inPayload } from './actions';

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

interface AnyRow {
  readonly name: LifecycleBroadcastIdleActionName;
  readonly tag: IdleActionTag;
  readonly payload: t.Type<object, object>;
  readonly fields: (...args: ReadonlyArray<never>) => object;
}

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
  const typeOf = (r: AnyRow): string => `${name}/${r.name}`;
  const byType: ReadonlyMap<string, AnyRow> = new Map(rows.map((r) => [typeOf(r), r]));
  const byName: ReadonlyMap<LifecycleBroadcastIdleActionName, AnyRow> = new Map(rows.map((r) => [r.name, r]));
  const types = [...byType.keys()];

  const creators = Object.freeze(
    Object.fromEntries(
      rows.map((r) => {
        const type = typeOf(r);
        const creator = Object.assign(
          (...args: ReadonlyArray<never>) =>
            Object.freeze({ type, payload: deepFreeze(r.payload.encode(r.fields(...args))) }),
          { type, match: (action: unknown) => isRecord(action) && action.type === type },
        );
        return [r.name, Object.freeze(creator)];
      }),
    ),
  ) as unknown as LifecycleBroadcastIdleActionCreators<Name>;

  const nameOf = (type: unknown): LifecycleBroadcastIdleActionName | undefined =>
    typeof type === 'string' ? byType.get(type)?.name : undefined;

  const isAction = (action: unknown): action is LifecycleBroadcastIdleAction<Name> =>
    isRecord(action) && nameOf(action.type) !== undefined;

  const read = (
    input: unknown,
  ): E.Either<ReadonlyArray<string>, { readonly type: unknown; readonly payload: unknown }> => {
    try {
      return isRecord(input)
        ? E.right({ type: input.type, payload: input.payload })
        : E.left([`(root): expected a ${name} action, got ${show(input)}`]);
    } catch (error: unknown) {
      return E.left([`(root): could not be read: ${error instanceof Error ? error.message : show(error)}`]);
    }
  };

  const fromPayload = (r: AnyRow, payload: unknown): E.Either<ReadonlyArray<string>, IdleAction> => {
    const decoded = decode(r.payload, payload);
    return E.isLeft(decoded)
      ? E.left(decoded.left.map(inPayload))
      : // The codec's `encode` copies the payload, so nothing of the caller's is frozen in place.
        E.right(deepFreeze({ _tag: r.tag, ...r.payload.encode(decoded.right) }) as IdleAction);
  };

  const decodeIdleAction = (input: unknown): E.Either<ReadonlyArray<string>, IdleAction> =>
    E.chain(({ type, payload }: { readonly type: unknown; readonly payload: unknown }) => {
      const r = typeof type === 'string' ? byType.get(type) : undefined;
      return r === undefined
        ? E.left([`type: expected one of ${types.map((s) => JSON.stringify(s)).join(' | ')}, got ${show(type)}`])
        : fromPayload(r, payload);
    })(read(input));

  const decodePayloadOf = (
    actionName: LifecycleBroadcastIdleActionName,
    input: unknown,
  ): E.Either<ReadonlyArray<string>, IdleAction> =>
    E.chain(({ payload }: { readonly payload: unknown }) => fromPayload(byName.get(actionName) as AnyRow, payload))(
      read(input),
    );

  return Object.freeze({ creators, nameOf, isAction, decodeIdleAction, decodePayloadOf });
};
