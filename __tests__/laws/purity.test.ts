import * as fc from 'fast-check';

import { replay, snapshot, step } from '../../src';
import { actionSequenceArbitrary, registryArbitrary } from '../../src/arbitraries';
import { applyReducer, copyOf, expectEqual, lawParameters, stateAndAction, unfrozenPaths } from './support';

describe('law: purity', () => {
  describe('inputs are unchanged', () => {
    it('should leave the registry and the arguments of every reducer deep-equal to a copy taken before', () => {
      fc.assert(
        fc.property(stateAndAction(), ({ state, action }) => {
          const [stateBefore, snapshotBefore, actionBefore] = copyOf([state, snapshot(state), action]);

          applyReducer(state, action);

          expectEqual(state, stateBefore);
          expectEqual(snapshot(state), snapshotBefore);
          expectEqual(action, actionBefore);
        }),
        lawParameters(),
      );
    });

    it('should leave the registry and the action of step unchanged', () => {
      fc.assert(
        fc.property(stateAndAction(), ({ state, action }) => {
          const [stateBefore, actionBefore] = copyOf([state, action]);

          step(state, action);

          expectEqual(state, stateBefore);
          expectEqual(action, actionBefore);
        }),
        lawParameters(),
      );
    });

    it('should leave the registry and the actions of replay unchanged', () => {
      fc.assert(
        fc.property(registryArbitrary(), actionSequenceArbitrary(), (state, actions) => {
          const [stateBefore, actionsBefore] = copyOf([state, actions]);

          replay(state, actions);

          expectEqual(state, stateBefore);
          expectEqual(actions, actionsBefore);
        }),
        lawParameters(),
      );
    });
  });

  describe('outputs are frozen', () => {
    it('should return a deeply frozen state and result from every reducer', () => {
      fc.assert(
        fc.property(stateAndAction(), ({ state, action }) => {
          expectEqual(unfrozenPaths(applyReducer(state, action)), []);
        }),
        lawParameters(),
      );
    });

    it('should return a deeply frozen state and event from step', () => {
      fc.assert(
        fc.property(stateAndAction(), ({ state, action }) => {
          expectEqual(unfrozenPaths(step(state, action)), []);
        }),
        lawParameters(),
      );
    });

    it('should return a deeply frozen state and events from replay', () => {
      fc.assert(
        fc.property(registryArbitrary(), actionSequenceArbitrary(), (state, actions) => {
          expectEqual(unfrozenPaths(replay(state, actions)), []);
        }),
        lawParameters(),
      );
    });
  });

  describe('same inputs, same outputs', () => {
    it('should give equal states and results when a reducer is applied twice to the same inputs', () => {
      fc.assert(
        fc.property(stateAndAction(), ({ state, action }) => {
          const first = applyReducer(state, action);
          const second = applyReducer(state, copyOf(action));

          expectEqual(second.result, first.result);
          expectEqual(snapshot(second.state), snapshot(first.state));
        }),
        lawParameters(),
      );
    });

    it('should give equal states and events when step is applied twice to the same inputs', () => {
      fc.assert(
        fc.property(stateAndAction(), ({ state, action }) => {
          const first = step(state, action);
          const second = step(state, copyOf(action));

          expectEqual(second.result, first.result);
          expectEqual(snapshot(second.state), snapshot(first.state));
        }),
        lawParameters(),
      );
    });
  });
});
