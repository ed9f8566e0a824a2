import * as fc from 'fast-check';
import { createRegistry, liveCount, quiesce, replay, sentCount } from 'lifecycle-broadcast';
import { actionSequenceArbitrary, broadcastPolicyArbitrary } from 'lifecycle-broadcast/arbitraries';

// Whatever the broker did before, a shutdown quiesce reaches every live backend.
fc.assert(
  fc.property(broadcastPolicyArbitrary(), actionSequenceArbitrary({ maxLength: 50 }), (policy, actions) => {
    const { state } = replay(createRegistry(policy), actions);
    const { result } = quiesce(state, 'BrokerShutdown');
    return sentCount(result) === liveCount(state);
  }),
);
