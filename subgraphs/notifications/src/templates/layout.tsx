/** @jsxRuntime automatic @jsxImportSource react */
// The pragma, not only the tsconfig: tsx applies a tsconfig's `jsx` only to the files it includes, and processes start from the repository root.
/** The frame every email shares: greeting, content, the inbox and preferences links. */
import { Body, Container, Head, Heading, Hr, Html, Link, Preview, Section, Text } from '@react-email/components';
import type { ReactNode } from 'react';
import { storefrontLink } from './format';

const page = { backgroundColor: '#f4f4f5', fontFamily: 'Helvetica, Arial, sans-serif', color: '#18181b' };
const card = { backgroundColor: '#ffffff', margin: '24px auto', padding: '24px', maxWidth: '560px', borderRadius: '8px' };
const muted = { color: '#71717a', fontSize: '12px' };

export function Layout(props: { locale: string; preview: string; heading: string; recipientName: string; children: ReactNode }) {
  return (
    <Html lang={props.locale}>
      <Head />
      <Preview>{props.preview}</Preview>
      <Body style={page}>
        <Container style={card}>
          <Heading as="h1">{props.heading}</Heading>
          <Text>Hello {props.recipientName},</Text>
          {props.children}
          <Hr />
          <Section>
            <Text style={muted}>
              Your notifications: <Link href={storefrontLink('/account/notifications')}>{storefrontLink('/account/notifications')}</Link>
            </Text>
          </Section>
        </Container>
      </Body>
    </Html>
  );
}

/** A table-free list of lines, readable as HTML and as plain text. */
export function Lines(props: { lines: { title: string; quantity: number; price?: string }[] }) {
  return (
    <Section>
      {props.lines.map((line, i) => (
        <Text key={i} style={{ margin: '4px 0' }}>
          {line.quantity} × {line.title}
          {line.price ? ` — ${line.price}` : ''}
        </Text>
      ))}
    </Section>
  );
}
