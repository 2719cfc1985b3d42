import { useState } from "react";
import type { EventEnvelope } from "@bellhop/web-client";
import { DocumentUpload, useRealtimeEvents, useRealtimeHealth } from "@bellhop/web-client/react";

export function App(props: { bellhop: string; uploadToken: () => Promise<string> }) {
  const [events, setEvents] = useState<EventEnvelope[]>([]);
  const add = (e: EventEnvelope) => setEvents((list) => [...list, e]);
  useRealtimeEvents("guest", add);
  useRealtimeEvents("finance", add);
  const health = useRealtimeHealth();

  return (
    <main>
      <h1>Arrivals</h1>
      <p data-testid="health" data-state={health.state} data-transport={health.transport ?? ""}>
        {health.state}
        {health.transport ? ` over ${health.transport}` : ""}
      </p>
      {health.failure && (
        <p role="alert" data-testid="failure" data-cause={health.failure.cause}>
          Cannot connect ({health.failure.cause}): {health.failure.message}
        </p>
      )}
      <ol data-testid="events">
        {events.map((e) => (
          <li key={e.eventId} data-seq={e.seq}>
            {e.service} {e.type} #{e.seq}
          </li>
        ))}
      </ol>
      <h2>Guest documents</h2>
      <DocumentUpload
        baseUrl={props.bellhop}
        token={props.uploadToken}
        documentType="passport"
        guestId="guest-214"
        propertyId="lisbon-1"
        label="Passport scan"
      />
    </main>
  );
}
