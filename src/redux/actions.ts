/**
 * The actions of a lifecycle-broadcast slice, all derived from one table, as Redux Toolkit's
 * `createSlice` derives action types, creators and `.match` from its `reducers` map. Each row
 * names an action after the event the registry answers it with (`backendRegistered`,
 * `livenessSet`, `responseSet`, `backendUnregistered`, `operationBroadcast`,
 * `operationBroadcastTo`), the
 * `RegistryAction` it stands for, and the codec of its payload: that action's fields without
 * `_tag`. The creators, the type guards and both conversions between slice actions and registry
 * actions are written once, over the table.
 *
 * Nothing here imports Redux: the creators are plain functions with `.type` and `.match`, and
 * every action is plain, deeply frozen JSON.
 *
 * @since 0.2.0
 */
import * as E from 'fp-ts/Either';
import * as t from 'io-ts';

import { Backend } from '../domain/Backend';
import { BackendKey } from '../domain/BackendKey';
import { BroadcastBackendResponse } from '../domain/BroadcastBackendResponse';
import { BroadcastOperation } from '../domain/BroadcastOperation';
import { arrayOf, checked, closed, decode, show } from '../internal/codec';
import { deepFreeze } from '../internal/deepFreeze';
import { isRecord } from '../internal/isRecord';
import type { LogRecord } from '../log/LogRecord';
import { LogRecord as LogRecordCodec } from '../log/LogRecord';
import type { RegistryAction, RegistryActionTag } from '../registry/RegistryAction';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * An action of a slice: a type and a payload of plain JSON (the codec-encoded fields).
 *
 * @since 0.1.0
 */
// A type alias, not an interface: Redux's `UnknownAction` has an index signature, which only
// an alias satisfies implicitly.
// eslint-disable-next-line @typescript-eslint/consistent-type-definitions
export type SliceAction<T extends string, P> = {
  readonly type: T;
  readonly payload: P;
};

/**
 * An action creator, shaped like Redux Toolkit's: call it to build the action, read `.type` for
 * its type, and use `.match` to narrow an unknown action to it (by type only: the reducer checks
 * the payload).
 *
 * @since 0.1.0
 */
export interface SliceActionCreator<T extends string, P, Args extends ReadonlyArray<unknown>> {
  (...args: Args): SliceAction<T, P>;
  /** The type of the actions it builds. */
  readonly type: T;
  /** True when `action` has that type (its payload is not checked). */
  readonly match: (action: unknown) => action is SliceAction<T, P>;
}

const BackendRegisteredPayloadC = closed('BackendRegisteredPayload', { backend: Backend });

/**
 * Payload of `backendRegistered`: the fields of a `Register` action.
 *
 * @since 0.1.0
 */
export interface BackendRegisteredPayload extends t.TypeOf<typeof BackendRegisteredPayloadC> {}

/**
 * The codec of `BackendRegisteredPayload`.
 *
 * @since 0.1.0
 */
export const BackendRegisteredPayload: t.Type<BackendRegisteredPayload, BackendRegisteredPayload> =
  BackendRegisteredPayloadC;

const LivenessSetPayloadC = closed('LivenessSetPayload', { key: BackendKey, live: t.boolean });

/**
 * Payload of `livenessSet`: the fields of a `SetLive` action.
 *
 * @since 0.2.0
 */
export interface LivenessSetPayload extends t.TypeOf<typeof LivenessSetPayloadC> {}

/**
 * The codec of `LivenessSetPayload`.
 *
 * @since 0.2.0
 */
export const LivenessSetPayload: t.Type<LivenessSetPayload, LivenessSetPayload> = LivenessSetPayloadC;

const ResponseSetPayloadC = closed('ResponseSetPayload', { key: BackendKey, response: BroadcastBackendResponse });

/**
 * Payload of `responseSet`: the fields of a `SetResponse` action.
 *
 * @since 0.2.0
 */
export interface ResponseSetPayload extends t.TypeOf<typeof ResponseSetPayloadC> {}

/**
 * The codec of `ResponseSetPayload`.
 *
 * @since 0.2.0
 */
export const ResponseSetPayload: t.Type<ResponseSetPayload, ResponseSetPayload> = ResponseSetPayloadC;

const BackendUnregisteredPayloadC = closed('BackendUnregisteredPayload', { key: BackendKey });

/**
 * Payload of `backendUnregistered`: the fields of an `Unregister` action.
 *
 * @since 0.1.0
 */
export interface BackendUnregisteredPayload extends t.TypeOf<typeof BackendUnregisteredPayloadC> {}

/**
 * The codec of `BackendUnregisteredPayload`.
 *
 * @since 0.1.0
 */
export const BackendUnregisteredPayload: t.Type<BackendUnregisteredPayload, BackendUnregisteredPayload> =
  BackendUnregisteredPayloadC;

const OperationBroadcastPayloadC = closed('OperationBroadcastPayload', { operation: BroadcastOperation });

/**
 * Payload of `operationBroadcast`: the fields of a `Broadcast` action.
 *
 * @since 0.2.0
 */
export interface OperationBroadcastPayload extends t.TypeOf<typeof OperationBroadcastPayloadC> {}

/**
 * The codec of `OperationBroadcastPayload`.
 *
 * @since 0.2.0
 */
export const OperationBroadcastPayload: t.Type<OperationBroadcastPayload, OperationBroadcastPayload> =
  OperationBroadcastPayloadC;

const OperationBroadcastToPayloadC = closed('OperationBroadcastToPayload', {
  operation: BroadcastOperation,
  keys: arrayOf(BackendKey),
});

/**
 * Payload of `operationBroadcastTo`: the fields of a `BroadcastTo` action.
 *
 * @since 0.2.0
 */
export interface OperationBroadcastToPayload extends t.TypeOf<typeof OperationBroadcastToPayloadC> {}

/**
 * The codec of `OperationBroadcastToPayload`.
 *
 * @since 0.2.0
 */
export const OperationBroadcastToPayload: t.Type<OperationBroadcastToPayload, OperationBroadcastToPayload> =
  OperationBroadcastToPayloadC;

// -------------------------------------------------------------------------------------
// the table
// -------------------------------------------------------------------------------------

type ActionOf<Tag extends RegistryActionTag> = Extract<RegistryAction, { readonly _tag: Tag }>;

/** The fields of the registry action tagged `Tag`, which its slice action carries as payload. */
type FieldsOf<Tag extends RegistryActionTag> = Omit<ActionOf<Tag>, '_tag'>;

/**
 * The actions of a slice, by name: the `RegistryAction` each stands for (`tag`), its payload (the
 * fields of that registry action) and the arguments of its creator. It is the type of the one
 * table the actions are built from, which is checked against it.
 *
 * @since 0.2.0
 */
export interface LifecycleBroadcastActionTable {
  readonly backendRegistered: ActionRow<'Register', BackendRegisteredPayload, [backend: Backend]>;
  readonly livenessSet: ActionRow<'SetLive', LivenessSetPayload, [key: BackendKey, live: boolean]>;
  readonly responseSet: ActionRow<
    'SetResponse',
    ResponseSetPayload,
    [key: BackendKey, response: BroadcastBackendResponse]
  >;
  readonly backendUnregistered: ActionRow<'Unregister', BackendUnregisteredPayload, [key: BackendKey]>;
  readonly operationBroadcast: ActionRow<'Broadcast', OperationBroadcastPayload, [operation: BroadcastOperation]>;
  readonly operationBroadcastTo: ActionRow<
    'BroadcastTo',
    OperationBroadcastToPayload,
    [operation: BroadcastOperation, keys: ReadonlyArray<BackendKey>]
  >;
}

/**
 * One row of `LifecycleBroadcastActionTable`.
 *
 * @since 0.2.0
 */
export interface ActionRow<Tag extends RegistryActionTag, Payload, Args extends ReadonlyArray<unknown>> {
  readonly tag: Tag;
  readonly payload: Payload;
  readonly args: Args;
}

/**
 * The name of every action of a slice, which is also the last part of its type.
 *
 * @since 0.2.0
 */
export type LifecycleBroadcastActionName = keyof LifecycleBroadcastActionTable;

interface Row<Tag extends RegistryActionTag, P, Args extends ReadonlyArray<unknown>> {
  readonly tag: Tag;
  readonly payload: t.Type<P, P>;
  /** The payload from the creator's arguments. */
  readonly fields: (...args: Args) => P;
}

// `P extends FieldsOf<Tag>`: a payload that lacked a field of its registry action, or typed one
// differently, would not compile; the property tests check that it has no field more.
const row = <Tag extends RegistryActionTag, P extends FieldsOf<Tag>, Args extends ReadonlyArray<unknown>>(
  tag: Tag,
  payload: t.Type<P, P>,
  fields: (...args: Args) => P,
): Row<Tag, P, Args> => Object.freeze({ tag, payload, fields });

type RowOf<K extends LifecycleBroadcastActionName> = Row<
  LifecycleBroadcastActionTable[K]['tag'],
  LifecycleBroadcastActionTable[K]['payload'],
  LifecycleBroadcastActionTable[K]['args']
>;

/**
 * Every action of a slice, by name: the registry action it stands for, its payload codec, and
 * how its creator's arguments make the payload.
 */
const table: { readonly [K in LifecycleBroadcastActionName]: RowOf<K> } = {
  backendRegistered: row('Register', BackendRegisteredPayload, (backend: Backend) => ({ backend })),
  livenessSet: row('SetLive', LivenessSetPayload, (key: BackendKey, live: boolean) => ({ key, live })),
  responseSet: row('SetResponse', ResponseSetPayload, (key: BackendKey, response: BroadcastBackendResponse) => ({
    key,
    response,
  })),
  backendUnregistered: row('Unregister', BackendUnregisteredPayload, (key: BackendKey) => ({ key })),
  operationBroadcast: row('Broadcast', OperationBroadcastPayload, (operation: BroadcastOperation) => ({ operation })),
  operationBroadcastTo: row(
    'BroadcastTo',
    OperationBroadcastToPayload,
    (operation: BroadcastOperation, keys: ReadonlyArray<BackendKey>) => ({ operation, keys }),
  ),
};

/**
 * The action creators of a slice named `Name`, shaped like the `actions` of a Redux Toolkit
 * slice: each builds actions of type `${Name}/${action name}`.
 *
 * @since 0.2.0
 */
export type LifecycleBroadcastActionCreators<Name extends string> = {
  readonly [K in LifecycleBroadcastActionName]: SliceActionCreator<
    `${Name}/${K}`,
    LifecycleBroadcastActionTable[K]['payload'],
    LifecycleBroadcastActionTable[K]['args']
  >;
};

/**
 * Any action of the slice named `Name`.
 *
 * @since 0.1.0
 */
export type LifecycleBroadcastAction<Name extends string = 'lifecycleBroadcast'> = {
  readonly [K in LifecycleBroadcastActionName]: SliceAction<
    `${Name}/${K}`,
    LifecycleBroadcastActionTable[K]['payload']
  >;
}[LifecycleBroadcastActionName];

/**
 * The type of any action of the slice named `Name`.
 *
 * @since 0.1.0
 */
export type LifecycleBroadcastActionType<Name extends string = 'lifecycleBroadcast'> =
  LifecycleBroadcastAction<Name>['type'];

/** A row of the table, without its static types: what the generic code below works with. */
type AnyRow = TableRow<LifecycleBroadcastActionName, RegistryActionTag>;

const rows: ReadonlyArray<AnyRow> = Object.entries(table).map(
  ([name, r]) => ({ name, tag: r.tag, payload: r.payload, fields: r.fields }) as unknown as AnyRow,
);

/** The name of the row of each registry action: every `_tag` has exactly one row. */
const nameByTag: Readonly<Record<RegistryActionTag, LifecycleBroadcastActionName>> = Object.freeze(
  Object.fromEntries(rows.map((r) => [r.tag, r.name])) as Record<RegistryActionTag, LifecycleBroadcastActionName>,
);

// -------------------------------------------------------------------------------------
// actions from a table
// -------------------------------------------------------------------------------------

/**
 * A row of an action table as the machinery below reads it: the action's name, the `_tag` of
 * what it stands for, its payload codec, and the payload fields of its creator's arguments.
 *
 * @internal
 */
export interface TableRow<N extends string, Tag extends string> {
  readonly name: N;
  readonly tag: Tag;
  readonly payload: t.Type<object, object>;
  readonly fields: (...args: ReadonlyArray<never>) => object;
}

/**
 * What every table of a slice derives from its rows: the creators, the guards, and the decoding
 * of an action from outside into `{ _tag, ...payload }`.
 *
 * @internal
 */
export interface TableActions<N extends string, Tag extends string> {
  readonly typeOf: (r: TableRow<N, Tag>) => string;
  readonly rowOfType: (type: string) => TableRow<N, Tag> | undefined;
  readonly rowNamed: (name: N) => TableRow<N, Tag>;
  readonly creators: Readonly<Record<N, unknown>>;
  readonly nameOf: (type: unknown) => N | undefined;
  readonly isAction: (action: unknown) => boolean;
  readonly decode: (input: unknown) => E.Either<ReadonlyArray<string>, { readonly _tag: Tag }>;
  readonly decodePayloadOf: (name: N, input: unknown) => E.Either<ReadonlyArray<string>, { readonly _tag: Tag }>;
}

/**
 * The action `{ _tag, ...payload }` for a payload of `r`'s row: `_tag` first, then the payload's
 * fields in their codec's order, which is the order the action codecs write them in.
 */
const tagged = <Tag extends string>(r: { readonly tag: Tag }, payload: object): { readonly _tag: Tag } =>
  Object.freeze({ _tag: r.tag, ...payload });

/**
 * The creators, guards and decoders of the slice named `slice` for the table `rows`. With
 * `checkArguments`, a creator checks its fields with the payload codec (the one the reducer
 * decodes with) and throws its message, instead of building an action the reducer refuses.
 *
 * @internal
 */
export const tableActions = <N extends string, Tag extends string>(
  slice: string,
  rows: ReadonlyArray<TableRow<N, Tag>>,
  checkArguments: boolean,
): TableActions<N, Tag> => {
  const typeOf = (r: TableRow<N, Tag>): string => `${slice}/${r.name}`;
  const byType: ReadonlyMap<string, TableRow<N, Tag>> = new Map(rows.map((r) => [typeOf(r), r]));
  const byName: ReadonlyMap<N, TableRow<N, Tag>> = new Map(rows.map((r) => [r.name, r]));
  const types = [...byType.keys()];

  const creators = Object.freeze(
    Object.fromEntries(
      rows.map((r) => {
        const type = typeOf(r);
        const creator = Object.assign(
          // The codec's `encode` copies the arguments, so the action shares nothing mutable with
          // the caller.
          (...args: ReadonlyArray<never>) => {
            const fields = r.fields(...args);
            const payload = r.payload.encode(checkArguments ? checked(r.name, r.payload, fields) : fields);
            return Object.freeze({ type, payload: deepFreeze(payload) });
          },
          { type, match: (action: unknown) => isRecord(action) && action.type === type },
        );
        return [r.name, Object.freeze(creator)];
      }),
    ),
  ) as Readonly<Record<N, unknown>>;

  const nameOf = (type: unknown): N | undefined => (typeof type === 'string' ? byType.get(type)?.name : undefined);

  const isAction = (action: unknown): boolean => isRecord(action) && nameOf(action.type) !== undefined;

  /** The type and payload of an action from outside, or why they cannot be read. */
  const read = (
    input: unknown,
  ): E.Either<ReadonlyArray<string>, { readonly type: unknown; readonly payload: unknown }> => {
    try {
      return isRecord(input)
        ? E.right({ type: input.type, payload: input.payload })
        : E.left([`(root): expected a ${slice} action, got ${show(input)}`]);
    } catch (error: unknown) {
      return E.left([`(root): could not be read: ${error instanceof Error ? error.message : show(error)}`]);
    }
  };

  const fromPayload = (
    r: TableRow<N, Tag>,
    payload: unknown,
  ): E.Either<ReadonlyArray<string>, { readonly _tag: Tag }> => {
    const decoded = decode(r.payload, payload);
    if (E.isLeft(decoded)) {
      return E.left(decoded.left.map(inPayload));
    }
    // A frozen payload is deeply frozen (every action this library builds is); any other is
    // copied by its codec before it is frozen, so that nothing of the caller's is frozen in place
    // or shared while it can still change.
    const fields = Object.isFrozen(decoded.right) ? decoded.right : deepFreeze(r.payload.encode(decoded.right));
    return E.right(tagged(r, fields));
  };

  const decodeAction = (input: unknown): E.Either<ReadonlyArray<string>, { readonly _tag: Tag }> =>
    E.chain(({ type, payload }: { readonly type: unknown; readonly payload: unknown }) => {
      const r = typeof type === 'string' ? byType.get(type) : undefined;
      return r === undefined
        ? E.left([`type: expected one of ${types.map((s) => JSON.stringify(s)).join(' | ')}, got ${show(type)}`])
        : fromPayload(r, payload);
    })(read(input));

  const decodePayloadOf = (name: N, input: unknown): E.Either<ReadonlyArray<string>, { readonly _tag: Tag }> =>
    E.chain(({ payload }: { readonly payload: unknown }) => fromPayload(byName.get(name) as TableRow<N, Tag>, payload))(
      read(input),
    );

  return Object.freeze({
    typeOf,
    rowOfType: (type: string) => byType.get(type),
    rowNamed: (name: N) => byName.get(name) as TableRow<N, Tag>,
    creators,
    nameOf,
    isAction,
    decode: decodeAction,
    decodePayloadOf,
  });
};

// -------------------------------------------------------------------------------------
// the actions of one slice
// -------------------------------------------------------------------------------------

/**
 * A slice's actions and the conversions between them and registry actions, for the slice
 * named `Name`.
 *
 * @internal
 */
export interface SliceActions<Name extends string> {
  readonly creators: LifecycleBroadcastActionCreators<Name>;
  /** The name of the action of type `type` when it is one of the slice's, else `undefined`. */
  readonly nameOf: (type: unknown) => LifecycleBroadcastActionName | undefined;
  readonly isAction: (action: unknown) => action is LifecycleBroadcastAction<Name>;
  readonly toRegistryAction: (action: LifecycleBroadcastAction<Name>) => RegistryAction;
  readonly toSliceAction: (entry: LogRecord | RegistryAction) => LifecycleBroadcastAction<Name>;
  readonly decodeRegistryAction: (input: unknown) => E.Either<ReadonlyArray<string>, RegistryAction>;
  /** Like `decodeRegistryAction`, for the action named `name` whatever the input's type. */
  readonly decodePayloadOf: (
    name: LifecycleBroadcastActionName,
    input: unknown,
  ) => E.Either<ReadonlyArray<string>, RegistryAction>;
}

/**
 * Errors of a payload codec, as paths from the action (`payload.key.exeHash: ...`).
 *
 * @internal
 */
export const inPayload = (line: string): string =>
  line.startsWith('(root)')
    ? `payload${line.slice('(root)'.length)}`
    : line.startsWith('[')
      ? `payload${line}`
      : `payload.${line}`;

/**
 * The actions of the slice named `name`: creators, guards and conversions, all from the table.
 *
 * @internal
 */
export const sliceActions = <Name extends string>(name: Name): SliceActions<Name> => {
  const actions = tableActions(name, rows, true);

  const toRegistryAction = (action: LifecycleBroadcastAction<Name>): RegistryAction => {
    const r = actions.rowOfType(action.type);
    if (r === undefined) {
      throw new TypeError(`toRegistryAction: ${show(action.type)} is not an action type of the ${name} slice`);
    }
    return tagged(r, action.payload) as RegistryAction;
  };

  const toSliceAction = (entry: LogRecord | RegistryAction): LifecycleBroadcastAction<Name> => {
    const valid = checked('toSliceAction', LogRecordCodec, entry, 'entry');
    const r = actions.rowNamed(nameByTag[valid._tag]);
    // The payload codec writes only its own fields: a recorded result is dropped.
    return Object.freeze({
      type: actions.typeOf(r),
      payload: deepFreeze(r.payload.encode(valid)),
    }) as unknown as LifecycleBroadcastAction<Name>;
  };

  return Object.freeze({
    creators: actions.creators as unknown as LifecycleBroadcastActionCreators<Name>,
    nameOf: actions.nameOf,
    isAction: actions.isAction as (action: unknown) => action is LifecycleBroadcastAction<Name>,
    toRegistryAction,
    toSliceAction,
    decodeRegistryAction: actions.decode as (input: unknown) => E.Either<ReadonlyArray<string>, RegistryAction>,
    decodePayloadOf: actions.decodePayloadOf as SliceActions<Name>['decodePayloadOf'],
  });
};
